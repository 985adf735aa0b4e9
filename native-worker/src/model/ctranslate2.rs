//! Reads CTranslate2's `model.bin` (binary version 6): a spec name, then named
//! tensors with shape and dtype, then aliases. Only what the Whisper converter needs.

use anyhow::{bail, ensure, Context, Result};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Element types CTranslate2 stores, by the id it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl DType {
    fn from_id(id: u8) -> Result<Self> {
        Ok(match id {
            0 => Self::F32,
            1 => Self::I8,
            2 => Self::I16,
            3 => Self::I32,
            4 => Self::F16,
            5 => Self::BF16,
            other => bail!("unknown CTranslate2 dtype id {other}"),
        })
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Self::I8 => 1,
            Self::I16 | Self::F16 | Self::BF16 => 2,
            Self::F32 | Self::I32 => 4,
        }
    }
}

/// One stored tensor.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Dimensions, outermost first (as PyTorch writes them).
    pub shape: Vec<usize>,
    /// Element type.
    pub dtype: DType,
    /// The elements, little-endian.
    pub data: Vec<u8>,
}

impl Variable {
    /// The elements as f32, whatever float type they are stored in.
    pub fn to_f32(&self) -> Result<Vec<f32>> {
        Ok(match self.dtype {
            DType::F32 => self
                .data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            DType::F16 => self
                .data
                .chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            DType::BF16 => self
                .data
                .chunks_exact(2)
                .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            other => bail!("expected a float tensor, found {other:?}"),
        })
    }

    /// The elements as f16 (converting from f32/bf16 when needed).
    pub fn to_f16(&self) -> Result<Vec<half::f16>> {
        if self.dtype == DType::F16 {
            return Ok(self
                .data
                .chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]))
                .collect());
        }
        Ok(self
            .to_f32()?
            .into_iter()
            .map(half::f16::from_f32)
            .collect())
    }

    /// A scalar integer setting such as `encoder/num_heads`.
    pub fn scalar_int(&self) -> Result<i64> {
        ensure!(
            self.shape.is_empty(),
            "expected a scalar, found shape {:?}",
            self.shape
        );
        Ok(match self.dtype {
            DType::I8 => self.data[0] as i8 as i64,
            DType::I16 => i16::from_le_bytes([self.data[0], self.data[1]]) as i64,
            DType::I32 => i32::from_le_bytes(self.data[..4].try_into()?) as i64,
            other => bail!("expected an integer scalar, found {other:?}"),
        })
    }
}

/// A loaded CTranslate2 model: its spec name and variables (aliases resolved).
#[derive(Debug)]
pub struct Model {
    /// The spec the model was exported with (`WhisperSpec`).
    pub spec: String,
    /// Every variable by name, aliases included.
    pub variables: BTreeMap<String, Variable>,
}

impl Model {
    /// Reads `model.bin`.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&bytes).with_context(|| format!("parsing {}", path.display()))
    }

    /// Parses the bytes of a `model.bin`.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let mut r = bytes;
        let version = read_u32(&mut r)?;
        ensure!(
            (4..=6).contains(&version),
            "CTranslate2 binary version {version} is not supported (4 to 6 are)"
        );
        let spec = read_string(&mut r)?;
        let _revision = read_u32(&mut r)?;
        let count = read_u32(&mut r)?;
        let mut variables = BTreeMap::new();
        for _ in 0..count {
            let name = read_string(&mut r)?;
            let rank = read_u8(&mut r)? as usize;
            let shape = (0..rank)
                .map(|_| read_u32(&mut r).map(|d| d as usize))
                .collect::<Result<Vec<_>>>()?;
            let dtype = DType::from_id(read_u8(&mut r)?)?;
            let len = read_u32(&mut r)? as usize;
            let expected = shape.iter().product::<usize>() * dtype.size();
            ensure!(
                len == expected,
                "variable {name}: {len} bytes for shape {shape:?} of {dtype:?}"
            );
            let data = take(&mut r, len)?.to_vec();
            variables.insert(name, Variable { shape, dtype, data });
        }
        let aliases = read_u32(&mut r)?;
        for _ in 0..aliases {
            let alias = read_string(&mut r)?;
            let target = read_string(&mut r)?;
            let var = variables
                .get(&target)
                .with_context(|| format!("alias {alias} names a missing variable {target}"))?
                .clone();
            variables.insert(alias, var);
        }
        ensure!(r.is_empty(), "{} unexpected bytes at the end", r.len());
        Ok(Self { spec, variables })
    }

    /// A variable by name, with an error naming it when absent.
    pub fn get(&self, name: &str) -> Result<&Variable> {
        self.variables
            .get(name)
            .with_context(|| format!("the model has no variable {name}"))
    }
}

fn take<'a>(r: &mut &'a [u8], n: usize) -> Result<&'a [u8]> {
    ensure!(r.len() >= n, "file ends early");
    let (head, tail) = r.split_at(n);
    *r = tail;
    Ok(head)
}

fn read_u8(r: &mut &[u8]) -> Result<u8> {
    Ok(take(r, 1)?[0])
}

fn read_u32(r: &mut &[u8]) -> Result<u32> {
    let mut b = [0u8; 4];
    take(r, 4)?.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

/// A string: u16 length (including a trailing NUL), then the bytes.
fn read_string(r: &mut &[u8]) -> Result<String> {
    let mut b = [0u8; 2];
    take(r, 2)?.read_exact(&mut b)?;
    let raw = take(r, u16::from_le_bytes(b) as usize)?;
    let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
    Ok(String::from_utf8(raw.to_vec())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(s: &str) -> Vec<u8> {
        let mut out = ((s.len() + 1) as u16).to_le_bytes().to_vec();
        out.extend_from_slice(s.as_bytes());
        out.push(0);
        out
    }

    fn sample() -> Vec<u8> {
        let mut b = 6u32.to_le_bytes().to_vec();
        b.extend(string("WhisperSpec"));
        b.extend(3u32.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        // a 2x1 f16 matrix
        b.extend(string("w"));
        b.push(2);
        b.extend(2u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.push(4);
        b.extend(4u32.to_le_bytes());
        b.extend(half::f16::from_f32(1.5).to_le_bytes());
        b.extend(half::f16::from_f32(-2.0).to_le_bytes());
        // an int16 scalar
        b.extend(string("heads"));
        b.push(0);
        b.push(2);
        b.extend(2u32.to_le_bytes());
        b.extend(6i16.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(string("alias"));
        b.extend(string("w"));
        b
    }

    #[test]
    fn parses_variables_scalars_and_aliases() {
        let m = Model::parse(&sample()).unwrap();
        assert_eq!(m.spec, "WhisperSpec");
        assert_eq!(m.get("w").unwrap().shape, vec![2, 1]);
        assert_eq!(m.get("w").unwrap().to_f32().unwrap(), vec![1.5, -2.0]);
        assert_eq!(m.get("heads").unwrap().scalar_int().unwrap(), 6);
        assert_eq!(m.get("alias").unwrap().to_f32().unwrap(), vec![1.5, -2.0]);
        assert!(m.get("nope").unwrap_err().to_string().contains("nope"));
    }

    #[test]
    fn truncated_or_foreign_files_fail_clearly() {
        let b = sample();
        let err = Model::parse(&b[..b.len() - 3]).unwrap_err().to_string();
        assert!(err.contains("ends early"), "{err}");
        let err = Model::parse(b"\x01\0\0\0").unwrap_err().to_string();
        assert!(err.contains("version 1"), "{err}");
    }
}
