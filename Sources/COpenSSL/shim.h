#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/ssl.h>

// OpenSSL macros (and macros in some versions) that Swift cannot call; thin typed wrappers.

static inline int barrelman_SSL_CTX_set_min_proto_version(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

static inline void barrelman_SSL_CTX_disable_renegotiation(SSL_CTX *context) {
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
}

/// Adds an intermediate to the chain the server sends; the context takes its own reference.
static inline int barrelman_SSL_CTX_add1_chain_cert(SSL_CTX *context, X509 *certificate) {
    return (int)SSL_CTX_add1_chain_cert(context, certificate);
}

/// An empty memory BIO then reads as "retry later" rather than end of file.
static inline void barrelman_BIO_set_mem_eof_return_retry(BIO *bio) {
    BIO_set_mem_eof_return(bio, -1);
}

static inline void barrelman_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}
