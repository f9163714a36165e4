//! `Mlp::save` never loses the last good model: it writes a temporary file in the same
//! folder and renames it over the target only when every byte is on disk. A write that fails
//! (full disk, file-size limit, a directory in the way, a missing folder) leaves the old file
//! as it was and no temporary file behind.
// File I/O needs the default `std` feature.
#![cfg(feature = "std")]

use ctensor::{FileError, FileErrorCause, Mlp};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::path::{Path, PathBuf};

/// A firmware-sized model: 9,664 bytes, more than the size limit used below.
type Net = Mlp<64, 32, 10>;

fn net(seed: u64) -> Net {
    Net::glorot(&mut StdRng::seed_from_u64(seed))
}

/// An empty folder unique to this process and test (removed first if left by a crash).
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ctensor-weights-save-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn save_replaces_the_file_and_leaves_nothing_else() {
    let dir = fresh_dir("replace");
    let path = dir.join("net.bin");
    net(1).save(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), net(1).to_vec());
    net(2).save(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), net(2).to_vec());
    assert_eq!(*Net::boxed_load(&path).unwrap(), net(2));
    assert_eq!(names_in(&dir), ["net.bin"]);
    // A relative path with no folder part saves in the current folder. (Changing the
    // current folder is safe here: every other test of this binary uses absolute paths.)
    let here = std::env::current_dir().unwrap();
    std::env::set_current_dir(&dir).unwrap();
    let result = Mlp::<2, 3, 1>::zeros().save("small.bin");
    std::env::set_current_dir(here).unwrap();
    result.unwrap();
    assert_eq!(names_in(&dir), ["net.bin", "small.bin"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn concurrent_saves_leave_one_whole_model() {
    // Each save has its own temporary file (process id and counter): the target always
    // holds one of the models, whole, and nothing else is left.
    let dir = fresh_dir("threads");
    let path = dir.join("net.bin");
    let models: Vec<Vec<u8>> = (0..6).map(|seed| net(seed).to_vec()).collect();
    std::thread::scope(|s| {
        for seed in 0..6 {
            let path = &path;
            s.spawn(move || {
                for _ in 0..5 {
                    net(seed).save(path).unwrap();
                }
            });
        }
    });
    let bytes = std::fs::read(&path).unwrap();
    assert!(models.contains(&bytes));
    assert_eq!(names_in(&dir), ["net.bin"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// On Unix, replacing a file keeps its permission bits.
#[cfg(unix)]
#[test]
fn save_keeps_the_permissions_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fresh_dir("mode");
    let path = dir.join("net.bin");
    net(1).save(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    net(2).save(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn save_into_a_missing_folder_names_the_path_and_creates_nothing() {
    let dir = fresh_dir("missing");
    let path = dir.join("no-such-folder").join("net.bin");
    let err = net(1).save(&path).unwrap_err();
    assert_eq!(
        err,
        FileError {
            action: "write",
            path: path.clone(),
            cause: FileErrorCause::Io(std::io::ErrorKind::NotFound),
        }
    );
    assert!(err.to_string().contains("no-such-folder"), "{err}");
    assert!(names_in(&dir).is_empty(), "{:?}", names_in(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn save_over_a_folder_fails_and_removes_its_temporary_file() {
    let dir = fresh_dir("folder");
    let target = dir.join("net.bin");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), b"keep").unwrap();
    let err = net(1).save(&target).unwrap_err();
    assert_eq!(err.path, target);
    assert_eq!(err.action, "replace");
    assert!(matches!(err.cause, FileErrorCause::Io(_)), "{err:?}");
    // The folder is as it was, and the temporary file is gone.
    assert_eq!(names_in(&dir), ["net.bin"]);
    assert_eq!(names_in(&target), ["keep.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Set in the child process of the test below: the file it must fail to overwrite.
#[cfg(unix)]
const CHILD_TARGET: &str = "CTENSOR_TEST_SAVE_UNDER_LIMIT";

/// A file-size limit smaller than the model (`ulimit -f 4`: 2 or 4 KiB, depending on the
/// shell's block size) makes the write fail half-way: the old model must survive it.
///
/// The test runs this test binary again as a child process under the limit, through `sh`:
/// `trap '' XFSZ` makes the child ignore SIGXFSZ (an ignored signal stays ignored across
/// `exec`), so the write that crosses the limit returns `EFBIG` instead of killing it.
#[cfg(unix)]
#[test]
fn save_under_a_file_size_limit_keeps_the_old_model() {
    if let Some(target) = std::env::var_os(CHILD_TARGET) {
        // The child: saving another model over the target must fail, naming the file.
        let target = PathBuf::from(target);
        let err = net(2).save(&target).unwrap_err();
        assert_eq!(err.path, target);
        assert_eq!(err.action, "write");
        assert_eq!(
            err.cause,
            FileErrorCause::Io(std::io::ErrorKind::FileTooLarge)
        );
        println!("child saw: {err}");
        return;
    }
    let dir = fresh_dir("fsize");
    let target = dir.join("model.bin");
    let old = net(1);
    old.save(&target).unwrap();
    let old_bytes = std::fs::read(&target).unwrap();
    assert_eq!(old_bytes.len(), Net::BYTE_LEN);
    assert_eq!(Net::BYTE_LEN, 9_664);

    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 4 && exec \"$0\" \"$@\"")
        .arg(&exe)
        .args([
            "--exact",
            "save_under_a_file_size_limit_keeps_the_old_model",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_TARGET, &target)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "child failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    // The child really ran the save (and it failed as it should).
    assert!(
        stdout.contains("child saw: could not write") && stdout.contains("1 passed"),
        "{stdout}"
    );
    // The old model is whole and loads; the temporary file is gone.
    let now = std::fs::read(&target).unwrap();
    assert_eq!(now.len(), old_bytes.len(), "the old model was truncated");
    assert_eq!(now, old_bytes);
    assert_eq!(*Net::boxed_load(&target).unwrap(), old);
    assert_eq!(names_in(&dir), ["model.bin"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_non_finite_model_is_refused_and_the_old_file_kept() {
    let dir = std::env::temp_dir().join(format!("ctensor-nonfinite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("net.bin");
    let good = ctensor::Mlp::<2, 3, 1>::zeros();
    good.save(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut bad = good.clone();
    bad.w2[(1, 0)] = f32::NAN;
    let err = bad.save(&path).unwrap_err();
    assert_eq!(
        err.cause,
        ctensor::FileErrorCause::Content(ctensor::Error::WeightsNonFinite {
            tensor: "w2",
            index: 1
        })
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the old file is intact"
    );
    let mut buf = vec![0xAA; ctensor::Mlp::<2, 3, 1>::BYTE_LEN];
    assert!(bad.write_bytes(&mut buf).is_err());
    assert!(buf.iter().all(|&b| b == 0xAA), "nothing is written");
    std::fs::remove_dir_all(&dir).unwrap();
}
