//! Maps a CTranslate2 `WhisperSpec` onto whisper.cpp's tensors: renames every
//! variable to OpenAI's PyTorch name and splits the fused attention projections
//! (self-attention q|k|v, cross-attention k|v; the key projections carry no bias).

use super::ctranslate2::Model;
use super::ggml::{Data, HParams, Tensor};
use anyhow::{ensure, Result};

/// whisper.cpp's hyper-parameters, read off the model's shapes and settings.
pub fn hparams(m: &Model) -> Result<HParams> {
    let dim = |name: &str, axis: usize| -> Result<i32> { Ok(m.get(name)?.shape[axis] as i32) };
    let layers = |side: &str| {
        (0..)
            .take_while(|i| {
                m.variables
                    .contains_key(&format!("{side}/layer_{i}/ffn/linear_0/weight"))
            })
            .count() as i32
    };
    Ok(HParams {
        n_vocab: dim("decoder/embeddings/weight", 0)?,
        n_audio_ctx: dim("encoder/position_encodings/encodings", 0)?,
        n_audio_state: dim("encoder/position_encodings/encodings", 1)?,
        n_audio_head: m.get("encoder/num_heads")?.scalar_int()? as i32,
        n_audio_layer: layers("encoder"),
        n_text_ctx: dim("decoder/position_encodings/encodings", 0)?,
        n_text_state: dim("decoder/position_encodings/encodings", 1)?,
        n_text_head: m.get("decoder/num_heads")?.scalar_int()? as i32,
        n_text_layer: layers("decoder"),
        n_mels: dim("encoder/conv1/weight", 1)?,
    })
}

/// Every tensor whisper.cpp loads, in the order of OpenAI's checkpoint (as the
/// upstream converter writes them, so the file matches theirs byte for byte).
pub fn tensors(m: &Model, h: &HParams) -> Result<Vec<Tensor>> {
    let mut out = Tensors(Vec::new());
    out.positional(m, "encoder")?;
    for conv in ["conv1", "conv2"] {
        out.matrix(
            m,
            &format!("encoder/{conv}/weight"),
            &format!("encoder.{conv}.weight"),
        )?;
        // whisper.cpp adds the bias as a [n_state, 1] column.
        let bias = m.get(&format!("encoder/{conv}/bias"))?;
        out.push_f32(
            format!("encoder.{conv}.bias"),
            vec![bias.shape[0], 1],
            bias.to_f32()?,
        );
    }
    out.blocks(m, "encoder", h.n_audio_layer)?;
    out.norm(m, "encoder/layer_norm", "encoder.ln_post")?;
    out.positional(m, "decoder")?;
    out.matrix(
        m,
        "decoder/embeddings/weight",
        "decoder.token_embedding.weight",
    )?;
    out.blocks(m, "decoder", h.n_text_layer)?;
    out.norm(m, "decoder/layer_norm", "decoder.ln")?;
    Ok(out.0)
}

/// The tensor list under construction, with one helper per kind of layer.
struct Tensors(Vec<Tensor>);

impl Tensors {
    fn push_f32(&mut self, name: String, shape: Vec<usize>, data: Vec<f32>) {
        self.0.push(Tensor {
            name,
            shape,
            data: Data::F32(data),
        });
    }

    fn positional(&mut self, m: &Model, side: &str) -> Result<()> {
        let pos = m.get(&format!("{side}/position_encodings/encodings"))?;
        self.push_f32(
            format!("{side}.positional_embedding"),
            pos.shape.clone(),
            pos.to_f32()?,
        );
        Ok(())
    }

    /// The residual attention blocks of one side (decoder blocks add cross-attention).
    fn blocks(&mut self, m: &Model, side: &str, layers: i32) -> Result<()> {
        for i in 0..layers {
            let ct = format!("{side}/layer_{i}");
            let pt = format!("{side}.blocks.{i}");
            self.split(
                m,
                &format!("{ct}/self_attention/linear_0"),
                &format!("{pt}.attn"),
                &["query", "key", "value"],
            )?;
            self.linear(
                m,
                &format!("{ct}/self_attention/linear_1"),
                &format!("{pt}.attn.out"),
            )?;
            self.norm(
                m,
                &format!("{ct}/self_attention/layer_norm"),
                &format!("{pt}.attn_ln"),
            )?;
            if side == "decoder" {
                self.linear(
                    m,
                    &format!("{ct}/attention/linear_0"),
                    &format!("{pt}.cross_attn.query"),
                )?;
                self.split(
                    m,
                    &format!("{ct}/attention/linear_1"),
                    &format!("{pt}.cross_attn"),
                    &["key", "value"],
                )?;
                self.linear(
                    m,
                    &format!("{ct}/attention/linear_2"),
                    &format!("{pt}.cross_attn.out"),
                )?;
                self.norm(
                    m,
                    &format!("{ct}/attention/layer_norm"),
                    &format!("{pt}.cross_attn_ln"),
                )?;
            }
            self.linear(m, &format!("{ct}/ffn/linear_0"), &format!("{pt}.mlp.0"))?;
            self.linear(m, &format!("{ct}/ffn/linear_1"), &format!("{pt}.mlp.2"))?;
            self.norm(m, &format!("{ct}/ffn/layer_norm"), &format!("{pt}.mlp_ln"))?;
        }
        Ok(())
    }

    fn matrix(&mut self, m: &Model, from: &str, to: &str) -> Result<()> {
        let v = m.get(from)?;
        self.0.push(Tensor {
            name: to.into(),
            shape: v.shape.clone(),
            data: Data::F16(v.to_f16()?),
        });
        Ok(())
    }

    fn linear(&mut self, m: &Model, from: &str, to: &str) -> Result<()> {
        self.matrix(m, &format!("{from}/weight"), &format!("{to}.weight"))?;
        let bias = m.get(&format!("{from}/bias"))?;
        self.push_f32(format!("{to}.bias"), bias.shape.clone(), bias.to_f32()?);
        Ok(())
    }

    fn norm(&mut self, m: &Model, from: &str, to: &str) -> Result<()> {
        for (ct, pt) in [("gamma", "weight"), ("beta", "bias")] {
            let v = m.get(&format!("{from}/{ct}"))?;
            self.push_f32(format!("{to}.{pt}"), v.shape.clone(), v.to_f32()?);
        }
        Ok(())
    }

    /// Splits a fused projection row-wise into `parts` (e.g. query|key|value).
    fn split(&mut self, m: &Model, from: &str, to: &str, parts: &[&str]) -> Result<()> {
        let weight = m.get(&format!("{from}/weight"))?;
        let bias = m.get(&format!("{from}/bias"))?;
        let (rows, cols) = (weight.shape[0] / parts.len(), weight.shape[1]);
        ensure!(
            rows * parts.len() == weight.shape[0],
            "{from}: {:?} does not split in {}",
            weight.shape,
            parts.len()
        );
        let (w, b) = (weight.to_f16()?, bias.to_f32()?);
        for (k, part) in parts.iter().enumerate() {
            let w_part = w[k * rows * cols..(k + 1) * rows * cols].to_vec();
            self.0.push(Tensor {
                name: format!("{to}.{part}.weight"),
                shape: vec![rows, cols],
                data: Data::F16(w_part),
            });
            if *part != "key" {
                self.push_f32(
                    format!("{to}.{part}.bias"),
                    vec![rows],
                    b[k * rows..(k + 1) * rows].to_vec(),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::ctranslate2::{DType, Variable};
    use super::*;

    fn f16_var(shape: &[usize]) -> Variable {
        let n: usize = shape.iter().product();
        let data = (0..n)
            .flat_map(|i| half::f16::from_f32(i as f32).to_le_bytes())
            .collect();
        Variable {
            shape: shape.to_vec(),
            dtype: DType::F16,
            data,
        }
    }

    #[test]
    fn fused_projections_split_by_rows_and_keys_lose_their_bias() {
        let mut variables = std::collections::BTreeMap::new();
        variables.insert("qkv/weight".to_string(), f16_var(&[6, 2]));
        variables.insert("qkv/bias".to_string(), f16_var(&[6]));
        let model = Model {
            spec: "WhisperSpec".into(),
            variables,
        };
        let mut out = Tensors(Vec::new());
        out.split(&model, "qkv", "attn", &["query", "key", "value"])
            .unwrap();
        let names: Vec<_> = out.0.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "attn.query.weight",
                "attn.query.bias",
                "attn.key.weight",
                "attn.value.weight",
                "attn.value.bias"
            ]
        );
        let Data::F16(key) = &out.0[2].data else {
            panic!("f16 weights")
        };
        assert_eq!(
            key.iter().map(|v| v.to_f32()).collect::<Vec<_>>(),
            [4.0, 5.0, 6.0, 7.0]
        );
        let Data::F32(value_bias) = &out.0[4].data else {
            panic!("f32 bias")
        };
        assert_eq!(value_bias, &[4.0, 5.0]);
        assert_eq!(out.0[2].shape, [2, 2]);
    }
}
