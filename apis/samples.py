"""Sample code for every API in Java, Python, curl, Node.js, PHP and C#.

Every sample has the seed's three sections (context, request parameters, response) and
is generated from the catalogue entry, the market, the Resource URL and the reader's
credentials. Values a client must make unique per request (`Param.fresh`) are random at
run time, so a sample can be run again without tripping the duplicate check (INS-10).

The Java and Python samples are run as shown by tests/clients/test_samples_*.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from apis.docs import Credentials, Endpoint, fresh_params
from catalog import Api, Market


@dataclass(frozen=True)
class Sample:
    language: str  # tab id: "java", "python", ...
    label: str  # tab label
    filename: str
    code: str


@dataclass(frozen=True)
class _Value:
    name: str
    value: str
    fresh_length: int  # 0: use `value` as is; n: n random hex characters at run time


def _q(value: str) -> str:
    """A double-quoted string literal valid in Java, C#, JavaScript and Python."""
    return json.dumps(value)


def _php(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _heredoc(text: str) -> str:
    # Inside an unquoted shell heredoc only \, $ and ` are special.
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`")


def _values(api: Api, market: Market) -> list[_Value]:
    fresh = fresh_params(api)
    return [
        _Value(name, value, fresh.get(name, 0))
        for name, value in api.sample_request(market).items()
    ]


def class_name(api: Api) -> str:
    return api.slug[0].upper() + api.slug[1:] + "Sample"


def _header_comment(api: Api, endpoint: Endpoint, prefix: str) -> str:
    return f"{prefix} {api.name}: {api.method} {endpoint.url}"


def python_sample(api: Api, endpoint: Endpoint, creds: Credentials, values) -> str:
    lines = [
        f'"""{api.name}: {api.method} {endpoint.url}',
        "",
        "Needs the library file: pip install mpesa_portal_sdk-1.0.0-py3-none-any.whl",
        '"""',
        "",
        "import json",
        *(["import uuid"] if any(v.fresh_length for v in values) else []),
        "",
        "from mpesa_portal_sdk import APIContext, APIMethodType, APIRequest",
        "",
        "# 1. Context: credentials, REST verb, address, port, path and SSL.",
        "api_context = APIContext(",
        f"    api_key={_q(creds.api_key)},",
        f"    public_key={_q(creds.public_key)},",
        f"    ssl={endpoint.ssl},",
        f"    method_type=APIMethodType.{api.method},",
        f"    address={_q(endpoint.address)},",
        f"    port={endpoint.port},",
        f"    path={_q(endpoint.path)},",
        ")",
        'api_context.add_header("Origin", "*")',
        "",
        "# 2. Request parameters.",
    ]
    for v in values:
        expr = f"uuid.uuid4().hex[:{v.fresh_length}]" if v.fresh_length else _q(v.value)
        lines.append(f"api_context.add_parameter({_q(v.name)}, {expr})")
    if not values:
        lines.append("# (this API takes none)")
    lines += [
        "",
        "# 3. Response: HTTP status, headers and the body's output_ fields.",
        "result = APIRequest(api_context).execute()",
        "print(result.status_code)",
        "print(result.headers)",
        "print(json.dumps(result.body, indent=2))",
        "",
    ]
    return "\n".join(lines)


def java_sample(api: Api, endpoint: Endpoint, creds: Credentials, values) -> str:
    cls = class_name(api)
    needs_uuid = any(v.fresh_length for v in values)
    lines = [
        _header_comment(api, endpoint, "//"),
        f"// Compile: javac -cp portal-sdk.jar {cls}.java",
        f"// Run:     java -cp portal-sdk.jar:. {cls}",
        *(["import java.util.UUID;"] if needs_uuid else []),
        "import mpesa.portal.sdk.APIContext;",
        "import mpesa.portal.sdk.APIMethodType;",
        "import mpesa.portal.sdk.APIRequest;",
        "import mpesa.portal.sdk.APIResponse;",
        "",
        f"public class {cls} {{",
        "    public static void main(String[] args) throws Exception {",
        "        // 1. Context: credentials, REST verb, address, port, path and SSL.",
        "        APIContext context = new APIContext();",
        f"        context.setApiKey({_q(creds.api_key)});",
        f"        context.setPublicKey({_q(creds.public_key)});",
        f"        context.setSsl({str(endpoint.ssl).lower()});",
        f"        context.setMethodType(APIMethodType.{api.method});",
        f"        context.setAddress({_q(endpoint.address)});",
        f"        context.setPort({endpoint.port});",
        f"        context.setPath({_q(endpoint.path)});",
        '        context.addHeader("Origin", "*");',
        "",
        "        // 2. Request parameters.",
    ]
    for v in values:
        expr = (
            f'UUID.randomUUID().toString().replace("-", "").substring(0, {v.fresh_length})'
            if v.fresh_length
            else _q(v.value)
        )
        lines.append(f"        context.addParameter({_q(v.name)}, {expr});")
    lines += [
        "",
        "        // 3. Response: HTTP status, headers and the body's output_ fields.",
        "        APIResponse response = new APIRequest(context).execute();",
        "        System.out.println(response.getStatusCode());",
        "        System.out.println(response.getHeaders());",
        "        System.out.println(response.getText());",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)


def curl_sample(api: Api, endpoint: Endpoint, creds: Credentials, values) -> str:
    lines = [
        _header_comment(api, endpoint, "#"),
        "# Needs bash, openssl and curl.",
        f"API_KEY='{creds.api_key}'",
        f"PUBLIC_KEY='{creds.public_key}'",
        "",
        "# 1. Context: the bearer is Base64(RSA-PKCS#1-v1.5(API key, public key)).",
        'printf %s "$PUBLIC_KEY" | base64 -d > gateway-public-key.der',
        'BEARER=$(printf %s "$API_KEY" | openssl pkeyutl -encrypt -pubin -keyform DER \\',
        "  -inkey gateway-public-key.der -pkeyopt rsa_padding_mode:pkcs1 | base64 | tr -d '\\n')",
        "",
        "# 2. Request parameters, 3. Response (-i prints the status and headers).",
    ]
    if api.method == "GET":
        lines.append(f"curl -sS -i -G '{endpoint.url}' \\")
        lines += [
            '  -H "Authorization: Bearer $BEARER" \\',
            '  -H "Content-Type: application/json" \\',
            "  -H 'Origin: *'" + (" \\" if values else ""),
        ]
        for i, v in enumerate(values):
            tail = " \\" if i < len(values) - 1 else ""
            if v.fresh_length:
                value = f'"{v.name}=$(openssl rand -hex 16 | cut -c1-{v.fresh_length})"'
            else:
                value = "'" + f"{v.name}={v.value}".replace("'", "'\\''") + "'"
            lines.append(f"  --data-urlencode {value}{tail}")
        lines.append("")
        return "\n".join(lines)
    lines += [
        f"curl -sS -i -X {api.method} '{endpoint.url}' \\",
        '  -H "Authorization: Bearer $BEARER" \\',
        '  -H "Content-Type: application/json" \\',
        "  -H 'Origin: *' \\",
        "  --data @- <<EOF",
        "{",
    ]
    for i, v in enumerate(values):
        comma = "," if i < len(values) - 1 else ""
        if v.fresh_length:
            value = f'"$(openssl rand -hex 16 | cut -c1-{v.fresh_length})"'
        else:
            value = _heredoc(_q(v.value))
        lines.append(f"  {_heredoc(_q(v.name))}: {value}{comma}")
    lines += ["}", "EOF", ""]
    return "\n".join(lines)


def node_sample(api: Api, endpoint: Endpoint, creds: Credentials, values) -> str:
    lines = [
        _header_comment(api, endpoint, "//"),
        f"// Save as {api.slug}.mjs and run: node {api.slug}.mjs (Node.js 18 or newer)",
        'import { constants, publicEncrypt, randomUUID } from "node:crypto";',
        "",
        "// 1. Context: credentials, REST verb and Resource URL.",
        f"const apiKey = {_q(creds.api_key)};",
        f"const publicKey = {_q(creds.public_key)};",
        f"const url = {_q(endpoint.url)};",
        "const bearer = publicEncrypt(",
        '  { key: Buffer.from(publicKey, "base64"), format: "der", type: "spki",',
        "    padding: constants.RSA_PKCS1_PADDING },",
        "  Buffer.from(apiKey),",
        ').toString("base64");',
        "",
        "// 2. Request parameters.",
        "const parameters = {",
    ]
    for v in values:
        expr = (
            f'randomUUID().replaceAll("-", "").slice(0, {v.fresh_length})'
            if v.fresh_length
            else _q(v.value)
        )
        lines.append(f"  {v.name}: {expr},")
    lines += [
        "};",
        "",
        "// 3. Response: HTTP status, headers and the body's output_ fields.",
        "const headers = {",
        "  Authorization: `Bearer ${bearer}`,",
        '  "Content-Type": "application/json",',
        '  Origin: "*",',
        "};",
    ]
    if api.method == "GET":
        lines.append("const response = await fetch(`${url}?${new URLSearchParams(parameters)}`, {")
        lines.append("  headers,")
    else:
        lines.append("const response = await fetch(url, {")
        lines.append(f'  method: "{api.method}",')
        lines.append("  headers,")
        lines.append("  body: JSON.stringify(parameters),")
    lines += [
        "  signal: AbortSignal.timeout(30000),",
        "});",
        "console.log(response.status);",
        "console.log(Object.fromEntries(response.headers));",
        "console.log(JSON.stringify(await response.json(), null, 2));",
        "",
    ]
    return "\n".join(lines)


def php_sample(api: Api, endpoint: Endpoint, creds: Credentials, values) -> str:
    lines = [
        "<?php",
        _header_comment(api, endpoint, "//"),
        f"// Run: php {api.slug}.php (PHP 7.4 or newer with the openssl and curl extensions)",
        "",
        "// 1. Context: credentials, REST verb and Resource URL.",
        f"$apiKey = {_php(creds.api_key)};",
        f"$publicKey = {_php(creds.public_key)};",
        f"$url = {_php(endpoint.url)};",
        '$pem = "-----BEGIN PUBLIC KEY-----\\n" . chunk_split($publicKey, 64, "\\n")',
        '    . "-----END PUBLIC KEY-----\\n";',
        "openssl_public_encrypt($apiKey, $encrypted, $pem, OPENSSL_PKCS1_PADDING);",
        "$bearer = base64_encode($encrypted);",
        "",
        "// 2. Request parameters.",
        "$parameters = [",
    ]
    for v in values:
        expr = (
            f"substr(bin2hex(random_bytes(16)), 0, {v.fresh_length})"
            if v.fresh_length
            else _php(v.value)
        )
        lines.append(f"    {_php(v.name)} => {expr},")
    lines += [
        "];",
        "",
        "// 3. Response: HTTP status and the body's output_ fields.",
    ]
    if api.method == "GET":
        lines.append("$ch = curl_init($url . '?' . http_build_query($parameters));")
    else:
        lines.append("$ch = curl_init($url);")
    lines += [
        "curl_setopt_array($ch, [",
        f"    CURLOPT_CUSTOMREQUEST => '{api.method}',",
        "    CURLOPT_HTTPHEADER => [",
        "        'Authorization: Bearer ' . $bearer,",
        "        'Content-Type: application/json',",
        "        'Origin: *',",
        "    ],",
        *(["    CURLOPT_POSTFIELDS => json_encode($parameters),"] if api.method != "GET" else []),
        "    CURLOPT_RETURNTRANSFER => true,",
        "    CURLOPT_TIMEOUT => 30,",
        "]);",
        "$body = curl_exec($ch);",
        "echo curl_getinfo($ch, CURLINFO_HTTP_CODE), PHP_EOL;",
        "echo json_encode(json_decode($body), JSON_PRETTY_PRINT), PHP_EOL;",
        "",
    ]
    return "\n".join(lines)


def csharp_sample(api: Api, endpoint: Endpoint, creds: Credentials, values) -> str:
    method = {"GET": "Get", "POST": "Post", "PUT": "Put"}.get(api.method, "Post")
    lines = [
        _header_comment(api, endpoint, "//"),
        "// Program.cs of a .NET 6 (or newer) console app: dotnet run",
        "using System.Security.Cryptography;",
        "using System.Text;",
        "using System.Text.Json;",
        "",
        "// 1. Context: credentials, REST verb and Resource URL.",
        f"var apiKey = {_q(creds.api_key)};",
        f"var publicKey = {_q(creds.public_key)};",
        f"var url = {_q(endpoint.url)};",
        "using var rsa = RSA.Create();",
        "rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);",
        "var bearer = Convert.ToBase64String(",
        "    rsa.Encrypt(Encoding.ASCII.GetBytes(apiKey), RSAEncryptionPadding.Pkcs1));",
        "",
        "// 2. Request parameters.",
        "var parameters = new Dictionary<string, string>",
        "{",
    ]
    for v in values:
        expr = (
            f'Guid.NewGuid().ToString("N").Substring(0, {v.fresh_length})'
            if v.fresh_length
            else _q(v.value)
        )
        lines.append(f"    [{_q(v.name)}] = {expr},")
    lines += ["};", "", "// 3. Response: HTTP status and the body's output_ fields."]
    lines.append("using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };")
    if api.method == "GET":
        lines += [
            'var query = string.Join("&", parameters.Select(p =>',
            '    $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));',
            f'var request = new HttpRequestMessage(HttpMethod.{method}, url + "?" + query);',
        ]
    else:
        lines += [
            f"var request = new HttpRequestMessage(HttpMethod.{method}, url)",
            "{",
            "    Content = new StringContent(",
            '        JsonSerializer.Serialize(parameters), Encoding.UTF8, "application/json"),',
            "};",
        ]
    lines += [
        'request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);',
        'request.Headers.TryAddWithoutValidation("Origin", "*");',
        "var response = await client.SendAsync(request);",
        "Console.WriteLine((int)response.StatusCode);",
        "Console.WriteLine(await response.Content.ReadAsStringAsync());",
        "",
    ]
    return "\n".join(lines)


_LANGUAGES = (
    ("java", "Java", "{cls}.java", java_sample),
    ("python", "Python", "{slug}.py", python_sample),
    ("curl", "curl", "{slug}.sh", curl_sample),
    ("node", "Node.js", "{slug}.mjs", node_sample),
    ("php", "PHP", "{slug}.php", php_sample),
    ("csharp", "C#", "Program.cs", csharp_sample),
)


def samples_for(api: Api, market: Market, endpoint: Endpoint, creds: Credentials) -> list[Sample]:
    """The API's sample in every language, for this market, endpoint and reader."""
    values = _values(api, market)
    return [
        Sample(
            language,
            label,
            filename.format(cls=class_name(api), slug=api.slug),
            render(api, endpoint, creds, values),
        )
        for language, label, filename, render in _LANGUAGES
    ]
