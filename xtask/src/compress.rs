//! gzip and brotli, as browsers download files: used to write the precompressed copies of the
//! widget bundle (`*.gz`, `*.br`, which the demo serves when the browser accepts them) and by
//! the bench to report sizes.

use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// gzip at level 9.
pub(crate) fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    gz.write_all(bytes)?;
    Ok(gz.finish()?)
}

/// brotli at quality 11, window 2^22: what `brotli -q 11` and servers' static compression use.
pub(crate) fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        w.write_all(bytes)?;
    }
    Ok(br)
}

/// Whether `path` is a precompressed copy (skipped when listing the bundle).
pub(crate) fn is_precompressed(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("gz" | "br"))
}

/// Writes `<file>.gz` and `<file>.br` beside every file of `dir`.
pub(crate) fn precompress_dir(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress_dir(&path)?;
            continue;
        }
        if !path.is_file() || is_precompressed(&path) {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        std::fs::write(dir.join(format!("{name}.gz")), gzip(&bytes)?)?;
        std::fs::write(dir.join(format!("{name}.br")), brotli(&bytes)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn both_round_trip() {
        let text = "Identifiant ou mot de passe incorrect. ".repeat(50);
        let gz = gzip(text.as_bytes()).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        let br = brotli(text.as_bytes()).unwrap();
        let mut back = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        assert!(br.len() < text.len() / 10);
    }

    #[test]
    fn precompressed_copies_sit_beside_each_file() {
        let dir = tempdir();
        std::fs::write(dir.join("a.js"), "export {};\n".repeat(20)).unwrap();
        precompress_dir(&dir).unwrap();
        precompress_dir(&dir).unwrap(); // idempotent: no a.js.gz.gz
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.js", "a.js.br", "a.js.gz"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempdir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sesame-xtask-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
