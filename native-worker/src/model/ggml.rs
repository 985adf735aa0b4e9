//! Writes whisper.cpp's legacy ggml model file: magic, hyper-parameters, mel filter
//! bank, vocabulary, then named tensors (dims innermost first; f16 for matrices,
//! f32 for vectors, conv biases and positional embeddings, as whisper.cpp expects).

use anyhow::Result;
use std::io::Write;

const MAGIC: u32 = 0x6767_6d6c; // "ggml"

/// whisper.cpp's hyper-parameter block, in file order (field names are whisper.cpp's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HParams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
}

/// Tensor payloads in the two types the file uses.
pub enum Data {
    F32(Vec<f32>),
    F16(Vec<half::f16>),
}

/// One tensor to write, with its PyTorch-style name and shape (outermost first).
pub struct Tensor {
    /// OpenAI's name, e.g. `encoder.blocks.0.attn.query.weight`.
    pub name: String,
    /// Dimensions, outermost first (written innermost first).
    pub shape: Vec<usize>,
    /// The values.
    pub data: Data,
}

/// Writes the whole file: header, filters (`n_mels` × bins), tokens, tensors.
pub fn write(
    out: &mut impl Write,
    hparams: &HParams,
    filters: &[f32],
    tokens: &[Vec<u8>],
    tensors: &[Tensor],
) -> Result<()> {
    let i32s = |out: &mut dyn Write, values: &[i32]| -> std::io::Result<()> {
        values
            .iter()
            .try_for_each(|v| out.write_all(&v.to_le_bytes()))
    };
    out.write_all(&MAGIC.to_le_bytes())?;
    let h = hparams;
    let ftype_f16 = 1;
    i32s(
        out,
        &[
            h.n_vocab,
            h.n_audio_ctx,
            h.n_audio_state,
            h.n_audio_head,
            h.n_audio_layer,
            h.n_text_ctx,
            h.n_text_state,
            h.n_text_head,
            h.n_text_layer,
            h.n_mels,
            ftype_f16,
        ],
    )?;
    let bins = filters.len() / h.n_mels as usize;
    i32s(out, &[h.n_mels, bins as i32])?;
    for f in filters {
        out.write_all(&f.to_le_bytes())?;
    }
    i32s(out, &[tokens.len() as i32])?;
    for token in tokens {
        i32s(out, &[token.len() as i32])?;
        out.write_all(token)?;
    }
    for t in tensors {
        let ftype = match t.data {
            Data::F32(_) => 0,
            Data::F16(_) => 1,
        };
        i32s(out, &[t.shape.len() as i32, t.name.len() as i32, ftype])?;
        for dim in t.shape.iter().rev() {
            i32s(out, &[*dim as i32])?;
        }
        out.write_all(t.name.as_bytes())?;
        match &t.data {
            Data::F32(v) => v.iter().try_for_each(|x| out.write_all(&x.to_le_bytes()))?,
            Data::F16(v) => v.iter().try_for_each(|x| out.write_all(&x.to_le_bytes()))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_layout_whisper_cpp_reads() {
        let h = HParams {
            n_vocab: 3,
            n_audio_ctx: 1,
            n_audio_state: 1,
            n_audio_head: 1,
            n_audio_layer: 1,
            n_text_ctx: 1,
            n_text_state: 1,
            n_text_head: 1,
            n_text_layer: 1,
            n_mels: 1,
        };
        let tensor = Tensor {
            name: "a.b".into(),
            shape: vec![2, 3],
            data: Data::F16(vec![half::f16::ONE; 6]),
        };
        let mut out = Vec::new();
        write(&mut out, &h, &[0.5, 0.25], &[b"hi".to_vec()], &[tensor]).unwrap();
        let word = |i: usize| i32::from_le_bytes(out[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!(word(0) as u32, MAGIC);
        assert_eq!(word(11), 1, "ftype f16");
        assert_eq!((word(12), word(13)), (1, 2), "filter bank shape");
        assert_eq!(f32::from_le_bytes(out[56..60].try_into().unwrap()), 0.5);
        assert_eq!(word(16), 1, "one token");
        assert_eq!(word(17), 2);
        assert_eq!(&out[72..74], b"hi");
        let t = &out[74..];
        let tw = |i: usize| i32::from_le_bytes(t[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!((tw(0), tw(1), tw(2)), (2, 3, 1), "dims, name length, f16");
        assert_eq!((tw(3), tw(4)), (3, 2), "innermost dimension first");
        assert_eq!(&t[20..23], b"a.b");
        assert_eq!(t.len(), 23 + 12);
    }
}
