"""The seed's Java bearer code ("Develop without Library File"), compiled and run: the
bearer it prints is accepted by the gateway.

The only change to the seed's code is java.util.Base64 in place of commons-codec (no
extra jar); the key literals are the developer's own, as the portal's page fills them in.
"""

from __future__ import annotations

import subprocess

import pytest
import requests

from accounts import keys

pytestmark = pytest.mark.django_db(transaction=True)

SEED_MAIN = """
import javax.crypto.Cipher;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
public class Main {
public static void main(String[] args) {
String publicKey = "%(public_key)s";
String apiKey = "%(api_key)s";
System.out.println(getBearerToken(apiKey, publicKey));
}
private static String getBearerToken(String apiKey, String publicKey) {
try {
KeyFactory keyFactory = KeyFactory.getInstance("RSA");
Cipher cipher = Cipher.getInstance("RSA");
byte[] encodedPublicKey = Base64.getDecoder().decode(publicKey);
X509EncodedKeySpec publicKeySpec = new X509EncodedKeySpec(encodedPublicKey);
PublicKey pk = keyFactory.generatePublic(publicKeySpec);
cipher.init(Cipher.ENCRYPT_MODE, pk);
byte[] encryptedApiKey = Base64.getEncoder().encode(cipher.doFinal(apiKey.getBytes("UTF-8")));
return new String(encryptedApiKey, "UTF-8");
} catch (Exception e) {
System.out.println(e.getMessage());
}
return null;
}
}
"""


def java_bearer(javac: str, tmp_path, *, api_key: str, public_key: str) -> str:
    source = tmp_path / "Main.java"
    source.write_text(SEED_MAIN % {"public_key": public_key, "api_key": api_key})
    subprocess.run([javac, "-d", str(tmp_path), str(source)], check=True, timeout=120)
    run = subprocess.run(
        ["java", "-cp", str(tmp_path), "Main"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return run.stdout.strip()


def test_seed_java_bearer_is_accepted(javac, tmp_path, live_server, developer):
    bearer = java_bearer(
        javac,
        tmp_path,
        api_key=developer.api_key_plaintext,
        public_key=keys.current_keypair().public_key_b64,
    )
    assert len(bearer) == 684 and bearer.endswith("=")  # RSA-4096, §3.2

    response = requests.get(
        f"{live_server.url}/sandbox/ipg/v2/vodafoneGHA/getSession/",
        headers={"Authorization": f"Bearer {bearer}", "Origin": "*"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["output_ResponseCode"] == "INS-0"
    assert len(response.json()["output_SessionID"]) == 32


def test_java_bearer_for_another_key_is_refused(javac, tmp_path, live_server, developer):
    bearer = java_bearer(
        javac,
        tmp_path,
        api_key="aaaab09uz9f3asdcjyk7els777ihmwv8",  # the seed's sample key: not ours
        public_key=keys.current_keypair().public_key_b64,
    )
    response = requests.get(
        f"{live_server.url}/sandbox/ipg/v2/vodafoneGHA/getSession/",
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=30,
    )
    assert response.status_code == 400  # getSession's documented failure: INS-989
    assert response.json()["output_ResponseCode"] == "INS-989"
