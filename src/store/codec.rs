//! The one place that turns records into bytes and back: bincode 2 behind a format-version byte.
//!
//! Every value written to sled starts with [`FORMAT_VERSION`]. A store written by a newer format
//! is refused rather than misread; moving to another encoding is a change to this file alone.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Bumped whenever the encoding of any stored record, or the layout of any tree, changes.
/// 2: the index trees hold one key per value with a list of IDs, not one key per ID.
/// 3: `in` values carry the edge's properties; the `degree` tree counts each node's edges.
/// 4: the ordered index is a file beside the trees, no longer the `ordered` tree.
/// 5: the ordered index's arrays are raw little-endian bytes.
/// 6: the ordered index holds each project's host countries.
pub const FORMAT_VERSION: u8 = 9;

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("encoding failed: {0}")]
    Encode(#[from] bincode::error::EncodeError),
    #[error("decoding failed: {0}")]
    Decode(#[from] bincode::error::DecodeError),
    #[error("empty value")]
    Empty,
    #[error("written by store format {found}, this build reads format {FORMAT_VERSION}")]
    Version { found: u8 },
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut bytes = vec![FORMAT_VERSION];
    bytes.extend(bincode::serde::encode_to_vec(value, config())?);
    Ok(bytes)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != FORMAT_VERSION {
        return Err(CodecError::Version { found: version });
    }
    let (value, _) = bincode::serde::decode_from_slice(body, config())?;
    Ok(value)
}

/// [`encode`] into a writer, for values too big to hold twice (the ordered index).
pub fn encode_into<T: Serialize, W: std::io::Write>(
    value: &T,
    mut writer: W,
) -> Result<(), CodecError> {
    writer
        .write_all(&[FORMAT_VERSION])
        .map_err(|e| CodecError::Encode(bincode::error::EncodeError::Io { inner: e, index: 0 }))?;
    bincode::serde::encode_into_std_write(value, &mut writer, config())?;
    Ok(())
}

/// [`decode`] from a reader, for values too big to hold twice (the ordered index).
pub fn decode_from<T: DeserializeOwned, R: std::io::Read>(mut reader: R) -> Result<T, CodecError> {
    let mut version = [0u8];
    reader
        .read_exact(&mut version)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => CodecError::Empty,
            _ => CodecError::Decode(bincode::error::DecodeError::Io {
                inner: e,
                additional: 1,
            }),
        })?;
    if version[0] != FORMAT_VERSION {
        return Err(CodecError::Version { found: version[0] });
    }
    Ok(bincode::serde::decode_from_std_read(&mut reader, config())?)
}

/// Decodes a value whatever format wrote it. Only for learning what an older store holds (its
/// dataset's origin), never for serving from it: `None` when the value no longer decodes.
pub fn decode_any_format<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let body = bytes.get(1..)?;
    bincode::serde::decode_from_slice(body, config())
        .ok()
        .map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EdgeProps, Role};

    #[test]
    fn round_trips_and_refuses_other_versions() {
        let props = EdgeProps {
            roles: vec![Role::Contractor],
            share: Some(51.0),
            since: Some(2014),
            sources: vec![],
        };
        let bytes = encode(&props).unwrap();
        assert_eq!(decode::<EdgeProps>(&bytes).unwrap(), props);
        let mut newer = bytes.clone();
        newer[0] = FORMAT_VERSION + 1;
        assert!(matches!(
            decode::<EdgeProps>(&newer),
            Err(CodecError::Version { .. })
        ));
    }
}
