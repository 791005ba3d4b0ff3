//! What keeps webhook deliveries honest: the `X-Lark-Signature` check and the AES-256-CBC
//! encryption of bodies (the long connection needs neither: the socket is the app's own).

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

/// `X-Lark-Signature`: hex SHA-256 of timestamp + nonce + encrypt key + body.
pub fn signature_of(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(timestamp.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(encrypt_key.as_bytes());
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

type Decryptor = cbc::Decryptor<aes::Aes256>;
type Encryptor = cbc::Encryptor<aes::Aes256>;

fn key_of(encrypt_key: &str) -> [u8; 32] {
    Sha256::digest(encrypt_key.as_bytes()).into()
}

/// The `encrypt` field → plaintext: base64 of a 16-byte IV followed by the AES-256-CBC
/// ciphertext (PKCS#7), keyed by the SHA-256 of the encrypt key.
pub fn decrypt(encrypt_key: &str, encrypted: &str) -> Result<Vec<u8>, &'static str> {
    let data = BASE64.decode(encrypted.trim()).map_err(|_| "not base64")?;
    if data.len() < 32 || data.len() % 16 != 0 {
        return Err("wrong length");
    }
    let (iv, ciphertext) = data.split_at(16);
    let iv: [u8; 16] = iv.try_into().map_err(|_| "wrong length")?;
    Decryptor::new(&key_of(encrypt_key).into(), &iv.into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .map_err(|_| "bad padding (wrong key?)")
}

/// The inverse of [`decrypt`], with a random IV: to build test deliveries for your handlers.
pub fn encrypt(encrypt_key: &str, plaintext: &[u8]) -> String {
    let mut iv = [0u8; 16];
    iv.iter_mut().for_each(|b| *b = fastrand::u8(..));
    let ciphertext = Encryptor::new(&key_of(encrypt_key).into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let mut data = iv.to_vec();
    data.extend(ciphertext);
    BASE64.encode(data)
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decrypts_what_it_encrypts() {
        let sealed = encrypt("test key", br#"{"a":1}"#);
        assert_eq!(decrypt("test key", &sealed).unwrap(), br#"{"a":1}"#);
        assert_ne!(
            decrypt("other key", &sealed).ok(),
            Some(br#"{"a":1}"#.to_vec())
        );
        assert_eq!(decrypt("k", "%%%"), Err("not base64"));
        assert_eq!(decrypt("k", "AAAA"), Err("wrong length"));
    }

    #[test]
    fn known_signature() {
        // sha256("1" + "2" + "k" + "{}"), from Python's hashlib
        assert_eq!(
            signature_of("1", "2", "k", b"{}"),
            "a2c08cfc1732e85c101a8e8b6dfeddbe44d732caedfb06a1dd08711e6398a656"
        );
    }
}
