// OpenSSL's libcrypto: MD5 digests, AES-256-GCM and random bytes.
#ifndef JOBSERVER_COPENSSL_SHIM_H
#define JOBSERVER_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#endif
