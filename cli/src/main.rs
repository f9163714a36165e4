//! `ctensor`: convert between safetensors and ctensor weights files, and inspect them.
//! See the crate's documentation (`cli/src/lib.rs`) or `ctensor --help`.

use std::process::ExitCode;

use ctensor::io::safetensors::Layout;
use ctensor_cli::convert::{FromSafetensors, convert};
use ctensor_cli::inspect::inspect;

const USAGE: &str = "\
usage:
  ctensor convert IN OUT [--layout auto|pytorch|keras] [--half] [--f64]
      a safetensors file (nn.Sequential names: 0.weight, 0.bias, 2.weight, ...) to a ctensor
      weights file (format version 2, f32 unless --f64), or a ctensor weights file (version 1
      or 2) to safetensors with PyTorch's names and layout; the direction is told by IN.
      --layout: how weights are stored (pytorch [out, in], keras [in, out]; auto: by shape)
      --half: accept F16/BF16 tensors (converted exactly)
  ctensor inspect FILE [--batch B]
      header, layers, scalar type, per-tensor min/max/mean and non-finite count, flash bytes,
      RAM of a forward pass and of a training step at batch B (default 1)";

fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("convert") => {
            let mut opts = FromSafetensors::default();
            let mut paths = Vec::new();
            let mut it = args[1..].iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--layout" => {
                        opts.layout = match it.next().map(String::as_str) {
                            Some("auto") => Layout::Auto,
                            Some("pytorch") => Layout::PyTorch,
                            Some("keras") => Layout::Keras,
                            other => {
                                return Err(format!(
                                    "--layout takes auto, pytorch or keras, not {other:?}"
                                ));
                            }
                        };
                    }
                    "--half" => opts.convert_half = true,
                    "--f64" => opts.f64 = true,
                    flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                    path => paths.push(path),
                }
            }
            let [src, dst] = paths[..] else {
                return Err(format!("convert takes IN and OUT\n{USAGE}"));
            };
            let bytes = std::fs::read(src).map_err(|e| format!("could not read {src}: {e}"))?;
            let (out, summary) = convert(&bytes, opts).map_err(|e| format!("{src}: {e}"))?;
            std::fs::write(dst, &out).map_err(|e| format!("could not write {dst}: {e}"))?;
            Ok(format!("{src} -> {dst}: {summary}, {} bytes", out.len()))
        }
        Some("inspect") => {
            let mut batch = 1;
            let mut paths = Vec::new();
            let mut it = args[1..].iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--batch" => {
                        batch = it
                            .next()
                            .and_then(|b| b.parse().ok())
                            .filter(|&b| b > 0)
                            .ok_or("--batch takes a whole number > 0")?;
                    }
                    flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                    path => paths.push(path),
                }
            }
            let [path] = paths[..] else {
                return Err(format!("inspect takes one FILE\n{USAGE}"));
            };
            let bytes = std::fs::read(path).map_err(|e| format!("could not read {path}: {e}"))?;
            let report = inspect(&bytes, batch).map_err(|e| format!("{path}: {e}"))?;
            Ok(format!("{path}: {}", report.trim_end()))
        }
        Some("--help" | "-h" | "help") => Ok(USAGE.to_string()),
        _ => Err(USAGE.to_string()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ctensor: {e}");
            ExitCode::FAILURE
        }
    }
}
