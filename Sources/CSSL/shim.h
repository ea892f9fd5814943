#ifndef UNDERSTUDY_CSSL_SHIM_H
#define UNDERSTUDY_CSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>

/// OpenSSL's version string, so the binary provably links libssl.
static inline const char *cssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }
#endif
