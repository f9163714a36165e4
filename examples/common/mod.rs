//! Helpers shared by the real-data examples: where the data files are, and the per-epoch
//! report (a line per epoch, and the curves as an SVG chart). Not an example itself (Cargo
//! does not build files in subdirectories as examples).
//!
//! The chart is a small hand-written SVG (two panels of polylines, axes and a legend) rather
//! than a plotting crate: it adds no dependency and no build time, and any browser shows it.

use std::fmt::Write as _;
use std::path::PathBuf;

use ctensor::FileError;
use ctensor::data::{Dataset, Header};

/// `<name>` in this repository (independent of the current directory).
pub fn repo_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// Loads `data/<name>_train.csv` and `data/<name>_test.csv` (both with a header row). An
/// error names the file, the line and the column.
pub fn load_split<const D: usize>(name: &str) -> Result<(Dataset<D>, Dataset<D>), FileError> {
    let load = |split: &str| {
        let path = repo_path(&format!("data/{name}_{split}.csv"));
        Dataset::<D>::from_csv_file(path, Header::Present)
    };
    Ok((load("train")?, load("test")?))
}

/// The training curves of a run: printed as one line per epoch, and saved as an SVG chart
/// (loss on the left, the metric on the train and test sets on the right).
pub struct Curves {
    name: &'static str,
    /// The metric's short name in the per-epoch line, e.g. `"acc"` or `"R^2"`.
    metric: &'static str,
    /// The metric's name on the chart, e.g. `"accuracy"`.
    metric_title: &'static str,
    /// Per epoch: the mean training loss, the metric on the train and on the test set.
    epochs: Vec<[f64; 3]>,
}

impl Curves {
    pub fn new(name: &'static str, metric: &'static str, metric_title: &'static str) -> Self {
        Self {
            name,
            metric,
            metric_title,
            epochs: Vec::new(),
        }
    }

    /// Records an epoch and prints its line.
    pub fn epoch(&mut self, loss: f64, train: f64, test: f64) {
        self.epochs.push([loss, train, test]);
        let (m, n) = (self.metric, self.epochs.len());
        println!("epoch {n:3}  loss {loss:.4}  train {m} {train:.4}  test {m} {test:.4}");
    }

    /// Writes `target/plots/<name>.svg` (under the repository, an ignored path) and prints
    /// where.
    pub fn save_svg(&self) -> std::io::Result<()> {
        let path = repo_path(&format!("target/plots/{}.svg", self.name));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let column = |i: usize| self.epochs.iter().map(|e| e[i]).collect::<Vec<_>>();
        let mut svg = String::new();
        let (w, h) = (960.0, 400.0);
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" \
             fill=\"white\"/>\n<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">\
             {}: {} epochs</text>\n",
            w / 2.0,
            self.name,
            self.epochs.len()
        );
        panel(
            &mut svg,
            0.0,
            "training loss",
            &[("loss", &column(0), "#d62728")],
        );
        let (train, test) = (column(1), column(2));
        let series = [
            ("train", &train[..], "#1f77b4"),
            ("test", &test[..], "#ff7f0e"),
        ];
        panel(&mut svg, w / 2.0, self.metric_title, &series);
        svg.push_str("</svg>\n");
        std::fs::write(&path, svg)?;
        println!("curves: {}", path.display());
        Ok(())
    }
}

/// One chart of `series` (name, values per epoch, color) in the 480 x 400 panel at `left`.
fn panel(svg: &mut String, left: f64, title: &str, series: &[(&str, &[f64], &str)]) {
    let (x0, x1, y0, y1) = (left + 60.0, left + 460.0, 360.0, 50.0); // plot area, y0 at the bottom
    let values = series.iter().flat_map(|s| s.1.iter().copied());
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let step = nice_step((hi - lo).max(1e-9) / 5.0);
    let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    let epochs = series.first().map_or(1, |s| s.1.len()).max(2);
    let px = |i: usize| x0 + (x1 - x0) * i as f64 / (epochs - 1) as f64;
    let py = |v: f64| y0 - (y0 - y1) * (v - lo) / (hi - lo).max(1e-12);
    let _ = writeln!(
        svg,
        "<text x=\"{x0}\" y=\"42\" font-size=\"14\">{title}</text>\n\
         <rect x=\"{x0}\" y=\"{y1}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>",
        x1 - x0,
        y0 - y1
    );
    let mut v = lo;
    while v <= hi + step / 2.0 {
        let y = py(v);
        let _ = writeln!(
            svg,
            "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y + 4.0,
            format_tick(v, step)
        );
        v += step;
    }
    let x_step = nice_step(epochs as f64 / 6.0).max(1.0) as usize;
    for epoch in (x_step..=epochs).step_by(x_step) {
        let x = px(epoch - 1);
        let _ = writeln!(
            svg,
            "<text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{epoch}</text>",
            y0 + 18.0
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">epoch</text>",
        (x0 + x1) / 2.0,
        y0 + 34.0
    );
    for (k, (name, values, color)) in series.iter().enumerate() {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| format!("{:.1},{:.1}", px(i), py(v)))
            .collect();
        // The legend, right-aligned above the chart.
        let lx = x1 - 70.0 * (series.len() - k) as f64;
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>\n\
             <line x1=\"{lx}\" y1=\"38\" x2=\"{}\" y2=\"38\" stroke=\"{color}\" stroke-width=\"2\"/>\
             <text x=\"{}\" y=\"42\">{name}</text>",
            points.join(" "),
            lx + 20.0,
            lx + 25.0,
        );
    }
}

/// A round step (1, 2 or 5 times a power of ten) near `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let m = raw / power;
    power
        * if m < 1.5 {
            1.0
        } else if m < 3.5 {
            2.0
        } else if m < 7.5 {
            5.0
        } else {
            10.0
        }
}

/// A tick label with as many decimals as the step needs.
fn format_tick(v: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{v:.decimals$}")
}
