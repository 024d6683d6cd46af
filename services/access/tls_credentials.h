// Transport security for the daemon's port: TLS with a certificate and key, and mutual TLS
// (client certificates required and verified against a CA) when a client CA is given.
#ifndef CLOSEDLOOP_SERVICES_ACCESS_TLS_CREDENTIALS_H_
#define CLOSEDLOOP_SERVICES_ACCESS_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace closedloop::services {

// PEM file paths, as given to closedloopd's --tls_cert, --tls_key and --tls_client_ca.
struct TlsFiles {
  std::string cert_chain;   // the server's certificate, then any intermediates
  std::string private_key;  // its private key
  std::string client_ca;    // empty: TLS only; else mutual TLS, clients signed by this CA
};

// Credentials for the listening port. Errors: FAILED_PRECONDITION when only one of
// cert_chain and private_key is given, or client_ca without them; INVALID_ARGUMENT naming
// the flag when a file cannot be read, holds no PEM block, or the key does not belong to the
// certificate.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFrom(const TlsFiles& files);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_ACCESS_TLS_CREDENTIALS_H_
