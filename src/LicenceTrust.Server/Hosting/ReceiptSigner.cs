using System.Text.Json;
using LicenceTrust.Core.Crypto;
using LicenceTrust.Core.Results;
using LicenceTrust.KeyStore;
using LicenceTrust.Server.Endpoints;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LicenceTrust.Server.Hosting;

/// <summary>Signs verification receipts with the node's list-signing key (base64 COSE_Sign1 over the response JSON).</summary>
public sealed class ReceiptSigner(ProvinceKeys keys, IOptions<JsonOptions> json)
{
    private readonly ListSignerKey _signer = keys.ListSigner ?? throw new InvalidDataException("The key directory has no list-signing key for this province.");

    public string Sign(VerifyResponse response)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(response, json.Value.SerializerOptions);
        return Convert.ToBase64String(Receipt.Sign(payload, _signer.Key, KeyId.ForCertificate(_signer.CertificateDer)));
    }
}
