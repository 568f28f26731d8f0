package io.purgeline.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals customer secrets for the database with AES-256-GCM under a master key from the environment, so that a copy of
 * the database (a backup, a replica) holds no usable secret. Each sealed value is bound to its access key (associated
 * data): a sealed secret copied onto another key's row does not open.
 */
final class SecretBox {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param masterKey any string; its SHA-256 is the AES key */
    SecretBox(String masterKey) {
        try {
            this.key = new SecretKeySpec(MessageDigest.getInstance("SHA-256")
                    .digest(masterKey.getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    byte[] seal(String accessKey, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, accessKey, nonce);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The secret; fails when the master key is not the one it was sealed with (or the row was tampered with). */
    String open(String accessKey, byte[] sealed) {
        try {
            byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, accessKey, nonce);
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret of access key '" + accessKey + "' does not open with"
                    + " PURGELINE_CUSTOMER_MASTER_KEY: the master key changed, or the row was altered", e);
        }
    }

    private Cipher cipher(int mode, String accessKey, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(accessKey.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
