#!/usr/bin/env python3
"""An independent LT2 decoder (docs/format.md §12), written from the format text alone, in Python with
zlib and cbor2. It decodes each vector of a vector file, rebuilds the licence identifier, checks the
zlib layers as strictly as the format asks, and verifies ES256 signatures with the issuer certificates
of a key directory (SM2 has no Python implementation at hand). Prints one JSON object per vector.

    python3 tests/lt2-decoder/lt2_decode.py tests/vectors/vectors-lt2.json keys-sample schemas/lt2-dictionary-1.bin
"""
import base64
import glob
import hashlib
import json
import os
import sys
import zlib

import cbor2
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

ALPHABET45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
ALPHANUMERIC36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ES256, SM2 = -7, -65538
DICTIONARY_LABEL, STATUS_CLAIM, LICENCE_CLAIM = -65537, -65538, -65537
ROOT_OID = "1.2.156.3005.2"


def base45(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        group = [ALPHABET45.index(c) for c in text[i:i + 3]]
        if len(group) == 3:
            n = group[0] + group[1] * 45 + group[2] * 2025
            if n > 0xFFFF:
                raise ValueError("triple above 65535")
            out += n.to_bytes(2, "big")
        elif len(group) == 2:
            n = group[0] + group[1] * 45
            if n > 0xFF:
                raise ValueError("pair above 255")
            out.append(n)
        else:
            raise ValueError("a lone Base45 character")
    return bytes(out)


def inflate(data, dictionary):
    if len(data) < 10 or data[0] & 0x0F != 8 or ((data[0] << 8) | data[1]) % 31 or not data[1] & 0x20:
        raise ValueError("not a zlib stream with a preset dictionary")
    if int.from_bytes(data[2:6], "big") != zlib.adler32(dictionary):
        raise ValueError("DICTID is not dictionary 1")
    inflater = zlib.decompressobj(zdict=dictionary)
    out = inflater.decompress(data, 16384)
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise ValueError("the zlib stream does not end exactly at the end of the data")
    return out


def mod37_36(text):
    p = 36
    for c in text:
        s = (p + ALPHANUMERIC36.index(c)) % 36
        p = (s or 36) * 2 % 37
    return ALPHANUMERIC36[(37 - p) % 36]


def der_element(data, at):
    """(start of content, end of element) of the DER element at `at`."""
    length, at = data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        length, at = int.from_bytes(data[at:at + count], "big"), at + count
    return at, at + length


def subject_public_key_info(der):
    # Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serial, signature, issuer, validity,
    # subject, subjectPublicKeyInfo, ... } }. Walked by hand: this cryptography release cannot parse the
    # certificates' private-arc OIDs (2.25.<UUID>), and only the key is needed.
    tbs, _ = der_element(der, der_element(der, 0)[0])
    at = tbs
    for _ in range(6):
        at = der_element(der, at)[1]
    return der[at:der_element(der, at)[1]]


def issuer_keys(keys):
    found = {}
    for path in glob.glob(os.path.join(keys, "*", "issuers", "*.crt.pem")):
        with open(path, encoding="ascii") as f:
            der = base64.b64decode("".join(line for line in f.read().splitlines() if not line.startswith("-----")))
        try:
            key = serialization.load_der_public_key(subject_public_key_info(der))
        except (ValueError, UnsupportedAlgorithm):
            continue  # an SM2 key: no Python implementation at hand
        found.setdefault(hashlib.sha256(der).digest()[:8], []).append(key)
    return found


def verify_es256(keys, protected, payload, signature):
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    for key in keys:
        try:
            key.verify(der, sig_structure, ec.ECDSA(hashes.SHA256()))
            return True
        except (InvalidSignature, TypeError, AttributeError):
            continue
    return False


def decode(text, dictionary, issuers):
    if not text.startswith("LT2:"):
        raise ValueError("not LT2")
    cose = cbor2.loads(inflate(base45(text[4:]), dictionary))
    if isinstance(cose, cbor2.CBORTag):
        cose = cose.value
    protected_bytes, unprotected, payload, signature = cose
    protected = cbor2.loads(protected_bytes)
    if protected.get(DICTIONARY_LABEL) != 1:
        raise ValueError("the protected header does not name dictionary 1")
    claims = cbor2.loads(payload)
    licence = claims[LICENCE_CLAIM]
    iss = claims[1]
    version = licence.get(14, 1)
    body = licence[1] + iss + licence[13] + f"{version:03d}"
    identifier = f"{ROOT_OID}.{licence[1]}.{iss}.{licence[13]}.{version:03d}.{mod37_36(body)}"
    alg, kid = protected[1], protected[4]
    result = {
        "alg": alg,
        "dictionary": protected[DICTIONARY_LABEL],
        "iss": iss,
        "iat": claims[6],
        "identifier": identifier,
        "name": licence.get(2),
        "number": licence[3],
        "holderName": licence[4],
        "holderCodeType": licence[5],
        "holderCode": licence[6],
        "authorityName": licence[7],
        "areaCode": licence[8],
        "issueDays": licence[9],
        "validFromOffset": licence.get(10, 0),
        "validDays": licence.get(11),
        "attributes": {str(k): v for k, v in licence.get(12, {}).items()},
        "statusList": claims[STATUS_CLAIM][0],
        "statusIndex": claims[STATUS_CLAIM][1],
        "signatureVerified": None,
    }
    if alg == ES256:
        result["signatureVerified"] = verify_es256(issuers.get(kid, []), protected_bytes, payload, signature)
    return result


def main():
    vectors_path, keys, dictionary_path = sys.argv[1:4]
    with open(dictionary_path, "rb") as f:
        dictionary = f.read()
    issuers = issuer_keys(keys)
    with open(vectors_path, encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    for vector in vectors:
        try:
            out = {"name": vector["name"], "decoded": decode(vector["qr"], dictionary, issuers)}
        except Exception as e:  # every failure is a result here: the caller compares them
            out = {"name": vector["name"], "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
