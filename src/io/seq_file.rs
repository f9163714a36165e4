//! Weights files of [`Seq`] networks on disk (feature `std`): [`Seq::save`], which never
//! leaves a half-written model, and [`Seq::load`].

use std::path::Path;

use super::file::write_replacing;
use crate::nn::layer::{Forward, Zeros};
use crate::nn::params::Params;
use crate::{Error, FileError, Seq};

impl<L: Forward + Params + Zeros> Seq<L> {
    /// Saves the weights file (version 2) to `path`, so that `path` holds either its old
    /// content or the whole new file, never a part of it, as [`Mlp::save`](crate::Mlp::save)
    /// does (a temporary file in the same folder, synced, then renamed over `path`).
    ///
    /// # Errors
    /// A [`FileError`] naming `path`: the system's error kind and the action that failed
    /// (`"write"` or `"replace"`), or [`Error::WeightsLayerNonFinite`] as
    /// [`FileErrorCause::Content`](crate::FileErrorCause::Content) if a parameter is NaN or
    /// infinite. Either way the file at `path` is unchanged.
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// let path = std::env::temp_dir().join("ctensor-doc-seq-save.bin");
    /// Net::zeros().save(&path)?;
    /// assert_eq!(std::fs::read(&path)?.len(), Net::BYTE_LEN);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), FileError> {
        let path = path.as_ref();
        if let Some((info, index)) = self.layers.first_non_finite() {
            let error = Error::WeightsLayerNonFinite {
                layer: info.layer,
                tensor: info.name,
                index,
            };
            return Err(FileError::content("write", path, error));
        }
        write_replacing(path, &self.to_vec())
    }

    /// Loads a weights file (version 2, or an `Mlp`'s version-1 file for an
    /// [`MlpSeq`](crate::MlpSeq)) from `path` into a network built on the heap.
    ///
    /// # Errors
    /// A [`FileError`] naming the file, with action `"read"`: the system's error if it
    /// cannot be read, else the error of [`Seq::validate_bytes`].
    ///
    /// # Examples
    /// ```
    /// use ctensor::{Dense, Error, FileErrorCause, Relu, Seq};
    /// type Net = Seq<(Dense<2, 3>, Relu<3>, Dense<3, 1>)>;
    /// let path = std::env::temp_dir().join("ctensor-doc-seq-load.bin");
    /// Net::zeros().save(&path)?;
    /// assert_eq!(*Net::load(&path)?, Net::zeros());
    /// let err = Seq::<(Dense<2, 4>, Relu<4>, Dense<4, 1>)>::load(&path).unwrap_err();
    /// assert!(matches!(err.cause, FileErrorCause::Content(Error::WeightsLayer { layer: 0, .. })));
    /// # Ok::<(), ctensor::FileError>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<alloc::boxed::Box<Self>, FileError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| FileError::io("read", path, &e))?;
        let mut net = Self::boxed_zeros();
        net.read_bytes(&bytes)
            .map_err(|e| FileError::content("read", path, e))?;
        Ok(net)
    }
}
