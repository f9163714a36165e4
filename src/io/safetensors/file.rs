//! safetensors files on disk (features `safetensors` and `std`).

use std::path::Path;

use super::ImportOptions;
use crate::io::file::write_replacing;
use crate::nn::layer::{Forward, Zeros};
use crate::nn::params::Params;
use crate::{FileError, ImportError, Mlp, Scalar, Seq};

fn read(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|e| ImportError::File(FileError::io("read", path, &e)))
}

impl<L: Forward + Params + Zeros> Seq<L> {
    /// A network built on the heap from the safetensors file at `path`
    /// ([`Seq::read_safetensors`]).
    ///
    /// # Errors
    /// [`ImportError::File`] if the file cannot be read, else as [`Seq::read_safetensors`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::io::safetensors::ImportOptions;
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<3, 2>, Relu<2>, Dense<2, 1>)>;
    /// let path = std::env::temp_dir().join("ctensor-doc-load.safetensors");
    /// Net::zeros().save_safetensors(&path)?;
    /// assert_eq!(*Net::load_safetensors(&path, ImportOptions::new())?, Net::zeros());
    /// # Ok::<(), ctensor::ImportError>(())
    /// ```
    pub fn load_safetensors(
        path: impl AsRef<Path>,
        opts: ImportOptions,
    ) -> Result<Box<Self>, ImportError> {
        let bytes = read(path.as_ref())?;
        let mut net = Self::boxed_zeros();
        net.read_safetensors(&bytes, opts)?;
        Ok(net)
    }

    /// Saves [`Seq::to_safetensors`] to `path`: `path` holds its old content or the whole
    /// new file, never a part (as [`Seq::save`]).
    ///
    /// # Errors
    /// As [`Seq::to_safetensors`], or [`ImportError::File`] if it cannot be written.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Seq};
    /// let path = std::env::temp_dir().join("ctensor-doc-save.safetensors");
    /// Seq::<(Dense<3, 2>,)>::zeros().save_safetensors(&path)?;
    /// assert!(std::fs::read(&path)?.len() > 4 * 8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save_safetensors(&self, path: impl AsRef<Path>) -> Result<(), ImportError> {
        write_replacing(path.as_ref(), &self.to_safetensors()?).map_err(ImportError::File)
    }
}

impl<const D: usize, const H: usize, const K: usize, T: Scalar> Mlp<D, H, K, T> {
    /// An `Mlp` built on the heap from the safetensors file at `path`
    /// ([`Mlp::read_safetensors`]).
    ///
    /// # Errors
    /// [`ImportError::File`] if the file cannot be read, else as [`Mlp::read_safetensors`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::io::safetensors::ImportOptions;
    /// use ctensor::Mlp;
    /// let path = std::env::temp_dir().join("ctensor-doc-mlp-load.safetensors");
    /// Mlp::<3, 4, 2>::zeros().save_safetensors(&path)?;
    /// assert_eq!(*Mlp::<3, 4, 2>::load_safetensors(&path, ImportOptions::new())?, Mlp::zeros());
    /// # Ok::<(), ctensor::ImportError>(())
    /// ```
    pub fn load_safetensors(
        path: impl AsRef<Path>,
        opts: ImportOptions,
    ) -> Result<Box<Self>, ImportError> {
        let bytes = read(path.as_ref())?;
        let mut net = Self::boxed_zeros();
        net.read_safetensors(&bytes, opts)?;
        Ok(net)
    }

    /// Saves [`Mlp::to_safetensors`] to `path` (old content or the whole new file).
    ///
    /// # Errors
    /// As [`Mlp::to_safetensors`], or [`ImportError::File`] if it cannot be written.
    ///
    /// # Examples
    /// ```
    /// let path = std::env::temp_dir().join("ctensor-doc-mlp-save.safetensors");
    /// ctensor::Mlp::<3, 4, 2>::zeros().save_safetensors(&path)?;
    /// # Ok::<(), ctensor::ImportError>(())
    /// ```
    pub fn save_safetensors(&self, path: impl AsRef<Path>) -> Result<(), ImportError> {
        write_replacing(path.as_ref(), &self.to_safetensors()?).map_err(ImportError::File)
    }
}
