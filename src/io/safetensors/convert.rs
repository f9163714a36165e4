//! A safetensors file to a network's weights file (format version 2), for a layer list known
//! at run time (the command-line tool) or from a type (a `build.rs`).

use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use safetensors::tensor::SafeTensors;

use super::{ImportOptions, Layout, expected_of_arch, read};
use crate::io::seq_check::{LAYER_RECORD_LEN, SEQ_HEADER_FIXED};
use crate::io::{CHECKSUM_LEN, MAGIC, SEQ_FORMAT_VERSION, crc32};
use crate::nn::arch::{Arch, LayerKind, LayerSpec, MAX_LAYERS};
use crate::{ImportError, Scalar};

/// The weights file (format version 2, scalar type `T`) of the network `arch` whose
/// parameters are in the safetensors file `bytes`, with every check of
/// [`Seq::read_safetensors`](crate::Seq::read_safetensors). For a network type `L`, pass
/// `&L::ARCH` (or use [`build_weights`] in a `build.rs`): the bytes are then exactly what
/// `Seq::<L>::to_vec` writes, and `from_bytes_const` / `seq_from_bytes_const!` take them.
///
/// # Errors
/// As [`Seq::read_safetensors`](crate::Seq::read_safetensors).
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::{ImportOptions, weights_from_safetensors};
/// use ctensor::nn::layer::Forward;
/// use ctensor::{Dense, Relu, Seq};
/// type Layers = (Dense<3, 5>, Relu<5>, Dense<5, 2>);
/// let mut net = Seq::<Layers>::zeros();
/// net.layers.2.b[1] = 0.25;
/// let file = net.to_safetensors()?;
/// let bytes = weights_from_safetensors::<f32>(&file, &Layers::ARCH, ImportOptions::new())?;
/// assert_eq!(bytes, net.to_vec());
/// # Ok::<(), ctensor::ImportError>(())
/// ```
pub fn weights_from_safetensors<T: Scalar>(
    bytes: &[u8],
    arch: &Arch,
    opts: ImportOptions,
) -> Result<Vec<u8>, ImportError> {
    let values = read::decode::<T>(bytes, &expected_of_arch(arch), opts)?;
    let params: usize = values.iter().map(Vec::len).sum();
    let header = SEQ_HEADER_FIXED + LAYER_RECORD_LEN * arch.len();
    let mut out = Vec::with_capacity(header + params * T::BYTES + CHECKSUM_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&SEQ_FORMAT_VERSION.to_le_bytes());
    out.push(T::TAG);
    out.push(0);
    // At most `MAX_LAYERS` (64) layers.
    out.extend_from_slice(&(arch.len() as u32).to_le_bytes());
    for spec in arch.as_slice() {
        for v in [spec.kind.code(), spec.inputs, spec.outputs] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    let mut buf = [0u8; 8];
    for x in values.iter().flatten() {
        x.write_le(&mut buf[..T::BYTES]);
        out.extend_from_slice(&buf[..T::BYTES]);
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// The layer list of an `nn.Sequential` saved as safetensors, as far as its tensors tell:
/// a `Dense` layer for each `"{n}.weight"` / `"{n}.bias"` pair, a `Relu` for each layer
/// number in between that has no tensors (ReLU, as in `Sequential(Linear, ReLU, Linear)`;
/// a dropout layer would be taken for a ReLU), and the layout of the weights. Layers after
/// the last `Linear` hold no tensors and are not seen.
///
/// With [`Layout::Auto`], the layout is the one in which consecutive layers connect (each
/// layer's inputs are the previous one's outputs); if both do (every weight square, or a
/// single layer that is not), it is [`ImportError::AmbiguousLayout`].
///
/// # Errors
/// [`ImportError::Format`] if the bytes are not safetensors, a tensor is not named
/// `"{n}.weight"` or `"{n}.bias"`, is not 2-D (a weight), or layer 0 holds no tensors;
/// [`ImportError::Shape`] for a layer whose inputs are not the previous one's outputs;
/// [`ImportError::AmbiguousLayout`] as above.
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::{Layout, arch_from_safetensors};
/// use ctensor::{Dense, Relu, Seq};
/// let file = Seq::<(Dense<3, 5>, Relu<5>, Dense<5, 2>)>::zeros().to_safetensors()?;
/// let (arch, layout) = arch_from_safetensors(&file, Layout::Auto)?;
/// assert_eq!(arch.to_string(), "Dense<3, 5>, Relu<5>, Dense<5, 2>");
/// assert_eq!(layout, Layout::PyTorch);
/// # Ok::<(), ctensor::ImportError>(())
/// ```
pub fn arch_from_safetensors(bytes: &[u8], layout: Layout) -> Result<(Arch, Layout), ImportError> {
    let file = SafeTensors::deserialize(bytes).map_err(|e| ImportError::Format(e.to_string()))?;
    // (layer number, weight shape) of each layer with a weight.
    let mut weights: Vec<(usize, Vec<usize>)> = Vec::new();
    for (name, view) in file.iter() {
        let parsed = name
            .split_once('.')
            .and_then(|(n, t)| Some((n.parse::<usize>().ok()?, t)));
        match parsed {
            Some((n, "weight"))
                if view.shape().len() == 2 && view.shape().iter().all(|&d| d <= MAX_WIDTH) =>
            {
                weights.push((n, view.shape().to_vec()));
            }
            Some((_, "weight")) if view.shape().len() == 2 => {
                return Err(ImportError::Format(format!(
                    "tensor \"{name}\" has shape {:?}: a layer width must fit the weights \
                     format's u32",
                    view.shape()
                )));
            }
            Some((_, "weight")) => {
                return Err(ImportError::Format(format!(
                    "tensor \"{name}\" has shape {:?}: a Linear weight is 2-D",
                    view.shape()
                )));
            }
            Some((_, "bias")) => {}
            _ => {
                return Err(ImportError::Format(format!(
                    "tensor \"{name}\" is not named as in an nn.Sequential of Linear layers \
                     (\"{{n}}.weight\", \"{{n}}.bias\")"
                )));
            }
        }
    }
    weights.sort();
    match weights.first() {
        Some((0, _)) => {}
        Some((n, _)) => {
            return Err(ImportError::Format(format!(
                "the first Linear layer is layer {n}: layers before it hold no tensors, so \
                 they cannot be told (ctensor's networks start with a Dense layer)"
            )));
        }
        None => return Err(ImportError::Format("the file has no weights".to_string())),
    }
    if weights.last().is_some_and(|(n, _)| *n >= MAX_LAYERS) {
        return Err(ImportError::Format(format!(
            "more than {MAX_LAYERS} layers (ctensor::nn::arch::MAX_LAYERS)"
        )));
    }
    let pytorch = chain(&weights, true);
    let keras = chain(&weights, false);
    match layout {
        Layout::PyTorch => pytorch.map(|a| (a, Layout::PyTorch)),
        Layout::Keras => keras.map(|a| (a, Layout::Keras)),
        Layout::Auto => match (pytorch, keras) {
            (Ok(a), Ok(b)) if a != b || weights.iter().all(|(_, s)| s[0] == s[1]) => {
                let (n, s) = &weights[0];
                Err(ImportError::AmbiguousLayout {
                    tensor: format!("{n}.weight"),
                    found: s.clone(),
                })
            }
            (Ok(a), _) => Ok((a, Layout::PyTorch)),
            (Err(_), Ok(b)) => Ok((b, Layout::Keras)),
            (Err(e), Err(_)) => Err(e),
        },
    }
}

/// The widest layer the weights format records (a `u32`).
const MAX_WIDTH: usize = u32::MAX as usize;

/// The layer list of `weights` read as `[out, in]` (`pytorch`) or `[in, out]`.
fn chain(weights: &[(usize, Vec<usize>)], pytorch: bool) -> Result<Arch, ImportError> {
    let mut arch = Arch::EMPTY;
    let mut prev: Option<(usize, usize)> = None; // (layer, outputs)
    for (n, s) in weights {
        let (i, o) = if pytorch { (s[1], s[0]) } else { (s[0], s[1]) };
        if let Some((p, outputs)) = prev {
            if i != outputs {
                return Err(ImportError::Shape {
                    tensor: format!("{n}.weight"),
                    expected: if pytorch {
                        vec![o, outputs]
                    } else {
                        vec![outputs, o]
                    },
                    found: s.clone(),
                });
            }
            for _ in p + 1..*n {
                arch = arch.then(&Arch::one(LayerSpec::new(LayerKind::Relu, i, i)));
            }
        }
        arch = arch.then(&Arch::one(LayerSpec::new(LayerKind::Dense, i, o)));
        prev = Some((*n, o));
    }
    Ok(arch)
}

/// For a `build.rs`: converts the safetensors file `src` into the weights file of the
/// network `L` (format version 2) at `dst` (a path in `OUT_DIR`), and tells Cargo to run the
/// build script again when `src` changes. Firmware then embeds it, decoded at compile time
/// into flash:
///
/// ```text
/// // build.rs ([build-dependencies] ctensor with features "safetensors" and "std")
/// let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
/// ctensor::io::safetensors::build_weights::<(Dense<64, 32>, Relu<32>, Dense<32, 10>)>(
///     "models/digits.safetensors", out.join("digits.bin"), ImportOptions::new());
/// // src/main.rs
/// static NET: Net = match seq_from_bytes_const!(
///     include_bytes!(concat!(env!("OUT_DIR"), "/digits.bin"))
///         => [Dense<64, 32>, Relu<32>, Dense<32, 10>]) {
///     Ok(net) => net,
///     Err(_) => panic!("not the weights of Net"), // a compile error, never at run time
/// };
/// ```
///
/// Without `std` in the build-dependency (to keep its math bit-identical to the device's),
/// call [`weights_from_safetensors`] and write the bytes (`examples/firmware/build_pytorch.rs`).
///
/// # Panics
/// With the [`ImportError`]'s message (the tensor, both shapes) if `src` cannot be read, does
/// not fit `L`, or `dst` cannot be written: in a build script, the build fails and says why.
///
/// # Examples
/// ```
/// use ctensor::io::safetensors::{ImportOptions, build_weights};
/// use ctensor::{Dense, Relu, Seq};
/// type Layers = (Dense<3, 5>, Relu<5>, Dense<5, 2>);
/// let dir = std::env::temp_dir().join("ctensor-doc-build-weights");
/// std::fs::create_dir_all(&dir)?;
/// let src = dir.join("net.safetensors");
/// std::fs::write(&src, Seq::<Layers>::zeros().to_safetensors()?)?;
/// build_weights::<Layers>(&src, dir.join("net.bin"), ImportOptions::new());
/// assert_eq!(std::fs::read(dir.join("net.bin"))?, Seq::<Layers>::zeros().to_vec());
/// // Another network: the build fails, naming the tensor and both shapes.
/// let err = std::panic::catch_unwind(|| {
///     build_weights::<(Dense<3, 4>,)>(&src, dir.join("other.bin"), ImportOptions::new())
/// })
/// .unwrap_err();
/// let msg = err.downcast_ref::<String>().unwrap();
/// assert!(msg.ends_with("tensor \"0.weight\" has shape [5, 3], expected [4, 3]: \
///                        the file is for another architecture"), "{msg}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "std")]
pub fn build_weights<L: crate::nn::layer::Forward + crate::nn::params::Params>(
    src: impl AsRef<std::path::Path>,
    dst: impl AsRef<std::path::Path>,
    opts: ImportOptions,
) {
    let (src, dst) = (src.as_ref(), dst.as_ref());
    println!("cargo:rerun-if-changed={}", src.display());
    let result = std::fs::read(src)
        .map_err(|e| ImportError::File(crate::FileError::io("read", src, &e)))
        .and_then(|bytes| weights_from_safetensors::<L::Scalar>(&bytes, &L::ARCH, opts))
        .and_then(|weights| {
            std::fs::write(dst, weights)
                .map_err(|e| ImportError::File(crate::FileError::io("write", dst, &e)))
        });
    if let Err(e) = result {
        panic!(
            "{} -> {} for the network [{}]: {e}",
            src.display(),
            dst.display(),
            L::ARCH
        );
    }
}
