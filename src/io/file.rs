//! Weights files on disk (feature `std`): [`Mlp::save`] and [`Mlp::load`].

use crate::{FileError, Mlp, Scalar};

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// Saves the weights file to `path`.
    ///
    /// # Errors
    /// A [`FileError`] naming the file if it cannot be written.
    ///
    /// # Examples
    /// ```
    /// let path = std::env::temp_dir().join("ctensor-doc-save.bin");
    /// ctensor::Mlp::<2, 3, 1>::zeros().save(&path)?;
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), FileError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_vec()).map_err(|e| FileError::io("write", path, &e))?;
        Ok(())
    }

    /// Loads a weights file from `path` into a network built on the heap.
    ///
    /// # Errors
    /// A [`FileError`] naming the file: the system's error if it cannot be read, else the
    /// error of [`Mlp::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::Mlp;
    /// let path = std::env::temp_dir().join("ctensor-doc-load.bin");
    /// Mlp::<2, 3, 1>::zeros().save(&path)?;
    /// let net = Mlp::<2, 3, 1>::load(&path)?;
    /// assert!(Mlp::<3, 3, 1>::load(&path).is_err());
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<alloc::boxed::Box<Self>, FileError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| FileError::io("read", path, &e))?;
        let mut net = Self::boxed_zeros();
        net.read_bytes(&bytes)
            .map_err(|e| FileError::content("read", path, e))?;
        Ok(net)
    }
}
