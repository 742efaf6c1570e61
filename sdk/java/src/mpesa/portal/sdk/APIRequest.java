package mpesa.portal.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;

/** Sends one call described by an {@link APIContext}, with the bearer built for it. */
public class APIRequest {
    private static final HttpClient DEFAULT_CLIENT =
        HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build();

    private final APIContext context;
    private final HttpClient client;

    public APIRequest(APIContext context) { this(context, DEFAULT_CLIENT); }

    public APIRequest(APIContext context, HttpClient client) {
        if (context == null) {
            throw new IllegalArgumentException("Context cannot be null.");
        }
        this.context = context;
        this.client = client;
    }

    /**
     * Base64(RSA/ECB/PKCS1Padding-encrypt(apiKey, publicKey)); publicKey is the Base64 DER
     * SubjectPublicKeyInfo shown on My Profile. The padding is randomised: every call gives
     * a different token.
     */
    public static String createBearerToken(String apiKey, String publicKey)
            throws GeneralSecurityException {
        byte[] der = Base64.getDecoder().decode(publicKey.trim());
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.ENCRYPT_MODE, key);
        byte[] encrypted = cipher.doFinal(apiKey.getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(encrypted);
    }

    public String createBearerToken() throws GeneralSecurityException {
        return createBearerToken(context.getApiKey(), context.getPublicKey());
    }

    /** Sends the call and returns the response; network failures throw IOException. */
    public APIResponse execute() throws IOException, InterruptedException, GeneralSecurityException {
        String url = context.getUrl();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        APIMethodType method = context.getMethodType();
        if (method == APIMethodType.GET || method == APIMethodType.DELETE) {
            String query = queryString(context.getParameters());
            if (!query.isEmpty()) {
                url += (url.contains("?") ? "&" : "?") + query;
            }
        } else {
            body = HttpRequest.BodyPublishers.ofString(Json.write(context.getParameters()));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
            .timeout(context.getTimeout())
            .method(method.name(), body);
        Map<String, String> headers = context.getHeaders();
        headers.put("Authorization", "Bearer " + createBearerToken());
        headers.putIfAbsent("Content-Type", "application/json");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            // Host is restricted in java.net.http and set from the URL anyway.
            if (!header.getKey().equalsIgnoreCase("Host")) {
                builder.header(header.getKey(), header.getValue());
            }
        }
        HttpResponse<String> response =
            client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : response.headers().map().entrySet()) {
            responseHeaders.put(entry.getKey(), String.join(", ", entry.getValue()));
        }
        return new APIResponse(response.statusCode(), responseHeaders, response.body());
    }

    static String queryString(Map<String, String> parameters) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
