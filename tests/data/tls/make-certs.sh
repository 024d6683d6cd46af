#!/usr/bin/env bash
# Regenerates the test certificates (checked in, valid for 100 years, for tests only):
#   ca.pem            the CA that signs the server and the client
#   server.pem/-key   localhost / 127.0.0.1
#   client.pem/-key   a client certificate from the same CA
#   other-ca.pem, other-client.pem/-key   an unrelated CA and a client it signed
set -euo pipefail
cd "$(dirname "$0")"
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # ca <name> <subject>
  key "$1-key.pem"
  openssl req -x509 -new -key "$1-key.pem" -subj "$2" -days $days -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" -out "$1.pem"
}
leaf() {  # leaf <name> <ca> <subject> <extensions>
  key "$1-key.pem"
  openssl req -new -key "$1-key.pem" -subj "$3" -out "$1.csr"
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2-key.pem" -CAcreateserial -days $days \
    -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

ca ca "/CN=Closed Loop test CA"
leaf server ca "/CN=localhost" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
leaf client ca "/CN=test-client" "extendedKeyUsage=clientAuth"
ca other-ca "/CN=Some other CA"
leaf other-client other-ca "/CN=stranger" "extendedKeyUsage=clientAuth"
rm -f ./*.srl ca-key.pem other-ca-key.pem
