#ifndef UNDERSTUDY_CSSL_SHIM_H
#define UNDERSTUDY_CSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <stdio.h>
#include <string.h>

/// OpenSSL's version string, so the binary provably links libssl.
static inline const char *cssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

/// ALPN: the server speaks http/1.1 only; a client offering it gets it, one offering only
/// other protocols gets no ALPN answer (as nginx does) rather than a failed handshake.
static inline int cssl_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                   const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl; (void)arg;
    static const unsigned char http11[] = "\x08http/1.1";
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, http11, sizeof(http11) - 1, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

/// A server context: TLS 1.2 and 1.3 only, OpenSSL's default cipher lists (forward-secret
/// AEAD suites first), no renegotiation, partial writes from a buffer that may move between
/// retries (the event loop's), a peer's EOF without close_notify read as the end of stream,
/// ALPN http/1.1. NULL on failure (see cssl_last_error).
static inline SSL_CTX *cssl_server_context(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    /* One recv takes whole records (and what follows), not a 5-byte header then the rest. */
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_alpn_select_cb(ctx, cssl_alpn_select, NULL);
    return ctx;
}

/// A client context for connecting to targets (no verification: ALB does not verify
/// target certificates either). NULL on failure.
static inline SSL_CTX *cssl_client_context(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
}

/// True when the oldest queued error says a plain-HTTP request came where a ClientHello
/// should have (OpenSSL recognises `GET `, `POST ` and the like).
static inline int cssl_error_is_plain_http(void) {
    unsigned long code = ERR_peek_error();
    return ERR_GET_LIB(code) == ERR_LIB_SSL && (ERR_GET_REASON(code) == SSL_R_HTTP_REQUEST || ERR_GET_REASON(code) == SSL_R_HTTPS_PROXY_REQUEST);
}

/// The oldest queued OpenSSL error as text (emptying the queue), or "" when none.
static inline void cssl_last_error(char *buffer, size_t size) {
    unsigned long code = ERR_get_error();
    unsigned long next;
    buffer[0] = 0;
    if (code != 0) ERR_error_string_n(code, buffer, size);
    while ((next = ERR_get_error()) != 0) { (void)next; }
}

/// Installs a throw-away certificate in `ctx`: a new P-256 key, self-signed for a year from
/// an hour ago, CN `common_name`, SAN DNS:localhost, IP 127.0.0.1 and ::1 plus `common_name`
/// as DNS. 1 on success.
static inline int cssl_use_self_signed(SSL_CTX *ctx, const char *common_name) {
    int ok = 0;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    X509_EXTENSION *ext = NULL;
    EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
    if (!kctx || EVP_PKEY_keygen_init(kctx) <= 0 || EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1) <= 0
        || EVP_PKEY_keygen(kctx, &key) <= 0) goto done;
    cert = X509_new();
    if (!cert) goto done;
    X509_set_version(cert, 2);
    {
        unsigned char serial[16];
        BIGNUM *bn = NULL;
        if (RAND_bytes(serial, sizeof serial) != 1) goto done;
        serial[0] &= 0x7f;
        bn = BN_bin2bn(serial, sizeof serial, NULL);
        if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert))) { BN_free(bn); goto done; }
        BN_free(bn);
    }
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
    X509_set_pubkey(cert, key);
    {
        X509_NAME *name = X509_get_subject_name(cert);
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Understudy (self-signed)", -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)common_name, -1, -1, 0);
        X509_set_issuer_name(cert, name);
    }
    {
        char san[512];
        X509V3_CTX v3;
        snprintf(san, sizeof san, "DNS:localhost,IP:127.0.0.1,IP:::1%s%s",
                 strcmp(common_name, "localhost") == 0 ? "" : ",DNS:", strcmp(common_name, "localhost") == 0 ? "" : common_name);
        X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
        ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
        if (!ext || !X509_add_ext(cert, ext, -1)) goto done;
    }
    if (X509_sign(cert, key, EVP_sha256()) <= 0) goto done;
    if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) goto done;
    ok = 1;
done:
    X509_EXTENSION_free(ext);
    X509_free(cert);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(kctx);
    return ok;
}
#endif
