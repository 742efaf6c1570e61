package mpesa.portal.sdk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to call: credentials, verb, address, port, path, headers and parameters.
 *
 * <p>Parameters travel in the query string for GET and as a JSON object for POST and PUT.
 * Every context owns its own header and parameter maps.
 */
public class APIContext {
    private String apiKey = "";
    private String publicKey = "";
    private boolean ssl = false;
    private APIMethodType methodType = APIMethodType.GET;
    private String address = "";
    private int port = 80;
    private String path = "";
    private Duration timeout = Duration.ofSeconds(30);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();

    public APIContext() {}

    public String getUrl() {
        String p = path.startsWith("/") ? path : "/" + path;
        return (ssl ? "https" : "http") + "://" + address + ":" + port + p;
    }

    public void addHeader(String name, String value) {
        headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, name));
    }
    public Map<String, String> getHeaders() { return new LinkedHashMap<>(headers); }
    public void addParameter(String name, String value) {
        parameters.put(
            Objects.requireNonNull(name, "parameter name"), Objects.requireNonNull(value, name));
    }
    public Map<String, String> getParameters() { return new LinkedHashMap<>(parameters); }

    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    public String getPublicKey() { return publicKey; }
    public void setPublicKey(String publicKey) { this.publicKey = publicKey; }
    public boolean isSsl() { return ssl; }
    public void setSsl(boolean ssl) { this.ssl = ssl; }
    public APIMethodType getMethodType() { return methodType; }
    public void setMethodType(APIMethodType methodType) { this.methodType = methodType; }
    public String getAddress() { return address; }
    public void setAddress(String address) { this.address = address; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getPath() { return path; }
    public void setPath(String path) { this.path = path; }
    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
}
