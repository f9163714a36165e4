//! Weights files on disk (feature `std`): [`Mlp::save`], which never leaves a half-written
//! model, [`Mlp::boxed_load`] (a new network on the heap) and [`Mlp::load_into`] (into a
//! network you have).

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::{Error, FileError, Mlp, Scalar};

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// Saves the weights file to `path`, so that `path` holds either its old content or the
    /// whole new file, never a part of it, whatever happens (full disk, file-size limit,
    /// crash, power loss).
    ///
    /// The bytes go to a new temporary file in the same folder, `.NAME.PID.N.tmp` (`NAME` is
    /// the target's file name, `PID` the process id, `N` a counter), which is synced to disk
    /// and then renamed over `path`; on Unix the folder is synced too, so that the rename
    /// itself survives a power loss. The new file gets the permissions of the file it
    /// replaces. If `path` is a symbolic link, the link is replaced, not the file it points
    /// to.
    ///
    /// # Errors
    /// A [`FileError`] naming `path`, with the system's error kind
    /// ([`FileErrorCause::Io`](crate::FileErrorCause::Io)) and the action that failed:
    /// `"write"` if the temporary file cannot be created, written or synced (missing folder,
    /// no permission, disk full, file-size limit), `"replace"` if it cannot be renamed over
    /// `path` (e.g. `path` is a folder); [`FileErrorCause::Content`](crate::FileErrorCause::Content)
    /// with [`Error::WeightsNonFinite`] if a parameter is NaN or infinite (a file no loader
    /// accepts must not replace a good one). Either way the file at `path` is unchanged and
    /// the temporary file is removed. (Only a crash in the middle can leave a temporary
    /// file; it can be deleted.)
    ///
    /// # Examples
    /// ```
    /// use ctensor::{FileErrorCause, Mlp};
    /// let path = std::env::temp_dir().join("ctensor-doc-save.bin");
    /// Mlp::<2, 3, 1>::zeros().save(&path)?;
    /// assert_eq!(std::fs::read(&path)?.len(), Mlp::<2, 3, 1>::BYTE_LEN);
    ///
    /// let err = Mlp::<2, 3, 1>::zeros().save("no/such/folder/net.bin").unwrap_err();
    /// assert_eq!(err.action, "write");
    /// assert!(matches!(err.cause, FileErrorCause::Io(std::io::ErrorKind::NotFound)));
    /// assert!(err.to_string().starts_with("could not write no/such/folder/net.bin: "));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), FileError> {
        let path = path.as_ref();
        if let Some((tensor, index)) = self.first_non_finite() {
            // A file no loader accepts must not replace a good one.
            return Err(FileError::content(
                "write",
                path,
                Error::WeightsNonFinite { tensor, index },
            ));
        }
        write_replacing(path, &self.to_vec())
    }

    /// Loads a weights file from `path` into a new network built directly on the heap (never
    /// a stack temporary, so it suits any model size), like [`Mlp::boxed_zeros`] and
    /// [`Mlp::boxed_glorot`]. To load into a network you already have (on the stack, in a
    /// `static`, inside another struct), use [`Mlp::load_into`].
    ///
    /// # Errors
    /// A [`FileError`] naming the file, with action `"read"`: the system's error
    /// ([`FileErrorCause::Io`](crate::FileErrorCause::Io)) if it cannot be read, else the
    /// error of [`Mlp::validate_bytes`]
    /// ([`FileErrorCause::Content`](crate::FileErrorCause::Content)).
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Error, FileErrorCause, Mlp};
    /// let path = std::env::temp_dir().join("ctensor-doc-boxed-load.bin");
    /// Mlp::<2, 3, 1>::zeros().save(&path)?;
    /// let net: Box<Mlp<2, 3, 1>> = Mlp::boxed_load(&path)?;
    /// assert_eq!(*net, Mlp::zeros());
    /// let err = Mlp::<3, 3, 1>::boxed_load(&path).unwrap_err();
    /// assert_eq!(
    ///     err.cause,
    ///     FileErrorCause::Content(Error::WeightsShape { expected: [3, 3, 1], found: [2, 3, 1] })
    /// );
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    pub fn boxed_load(path: impl AsRef<Path>) -> Result<alloc::boxed::Box<Self>, FileError> {
        let mut net = Self::boxed_zeros();
        net.load_into(path)?;
        Ok(net)
    }

    /// Replaces this network's parameters with those of the weights file at `path`, in place:
    /// no new network is made, on the stack or on the heap (only the file's bytes are read
    /// into a `Vec`). On error the network is unchanged.
    ///
    /// # Errors
    /// As [`Mlp::boxed_load`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{FileErrorCause, Mlp};
    /// let path = std::env::temp_dir().join("ctensor-doc-load-into.bin");
    /// let mut saved = Mlp::<2, 3, 1>::zeros();
    /// saved.b2[0] = 0.5;
    /// saved.save(&path)?;
    ///
    /// let mut net = Mlp::<2, 3, 1>::zeros();
    /// net.load_into(&path)?;
    /// assert_eq!(net, saved);
    /// // A missing file is an error, and `net` keeps its parameters.
    /// let err = net.load_into("no/such/net.bin").unwrap_err();
    /// assert!(matches!(err.cause, FileErrorCause::Io(std::io::ErrorKind::NotFound)));
    /// assert_eq!(net, saved);
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    pub fn load_into(&mut self, path: impl AsRef<Path>) -> Result<(), FileError> {
        let path = path.as_ref();
        let bytes = fs::read(path).map_err(|e| FileError::io("read", path, &e))?;
        self.read_bytes(&bytes)
            .map_err(|e| FileError::content("read", path, e))
    }

    /// Loads a weights file from `path` into a new network returned by value, like
    /// [`Mlp::zeros`] and [`Mlp::glorot`]; a large model belongs on the heap
    /// ([`Mlp::boxed_load`]) or in an existing network ([`Mlp::load_into`]).
    ///
    /// # Errors
    /// As [`Mlp::boxed_load`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::Mlp;
    /// let path = std::env::temp_dir().join("ctensor-doc-load.bin");
    /// Mlp::<2, 3, 1>::zeros().save(&path)?;
    /// let net: Mlp<2, 3, 1> = Mlp::load(&path)?;
    /// assert_eq!(net, *Mlp::<2, 3, 1>::boxed_load(&path)?);
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Self, FileError> {
        let mut net = Self::zeros();
        net.load_into(path)?;
        Ok(net)
    }
}

/// Writes `bytes` to `path` through a temporary file renamed over it: `path` ends with
/// either its old content or all of `bytes`, and no temporary file is left on an error.
pub(super) fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let write_error = |e: &io::Error| FileError::io("write", path, e);
    let Some(name) = path.file_name() else {
        // "/", "..", "": no file to write.
        return Err(write_error(&io::ErrorKind::InvalidInput.into()));
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (temp, file) = create_temp(dir, name).map_err(|e| write_error(&e))?;
    let result = fill(file, bytes, path)
        .map_err(|e| write_error(&e))
        .and_then(|()| fs::rename(&temp, path).map_err(|e| FileError::io("replace", path, &e)));
    if result.is_err() {
        // Best effort: the error to report is the one above.
        let _ = fs::remove_file(&temp);
        return result;
    }
    // Make the rename itself durable. Best effort: the new file is in place whatever this
    // returns (some file systems refuse to sync a folder).
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Numbers the temporary files of this process.
static TEMP_COUNTER: AtomicU32 = AtomicU32::new(0);

/// A new file `dir/.NAME.PID.N.tmp` that did not exist before (`create_new`: never one of
/// another writer). A very long `NAME` is replaced by `ctensor`, so that the name stays
/// within the file system's limit.
fn create_temp(dir: &Path, name: &OsStr) -> io::Result<(PathBuf, File)> {
    let name = if name.len() <= 200 {
        name
    } else {
        OsStr::new("ctensor")
    };
    let mut tries = 0;
    loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temp_name = OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let temp = dir.join(temp_name);
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            // Left by an earlier process with the same id: take the next number.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Writes all of `bytes` to the temporary `file`, with the permissions of the file at
/// `target` if there is one (best effort), and syncs it to disk; the file is closed on
/// return.
fn fill(mut file: File, bytes: &[u8], target: &Path) -> io::Result<()> {
    if let Ok(meta) = fs::metadata(target)
        && meta.is_file()
    {
        // Best effort: failing to copy them is no reason to lose the save.
        let _ = file.set_permissions(meta.permissions());
    }
    file.write_all(bytes)?;
    // `File` has no buffer, so `flush` does nothing; `sync_all` puts the bytes on disk.
    file.flush()?;
    file.sync_all()
}
