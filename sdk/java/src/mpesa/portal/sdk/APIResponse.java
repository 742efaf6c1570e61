package mpesa.portal.sdk;

import java.util.Collections;
import java.util.Map;

/** What came back: HTTP status, headers, the raw body and the body parsed as a JSON object. */
public class APIResponse {
    private final int statusCode;
    private final Map<String, String> headers;
    private final String text;
    private final Map<String, Object> body;

    public APIResponse(int statusCode, Map<String, String> headers, String text) {
        this.statusCode = statusCode;
        this.headers = Collections.unmodifiableMap(headers);
        this.text = text;
        Map<String, Object> parsed;
        try {
            Object value = Json.parse(text);
            parsed = value instanceof Map ? castMap(value) : Collections.emptyMap();
        } catch (IllegalArgumentException e) {
            parsed = Collections.emptyMap();
        }
        this.body = parsed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return Collections.unmodifiableMap((Map<String, Object>) value);
    }

    public int getStatusCode() { return statusCode; }
    public Map<String, String> getHeaders() { return headers; }
    /** The body as a JSON object (empty when the body is not one). */
    public Map<String, Object> getBody() { return body; }
    /** The raw response body. */
    public String getText() { return text; }

    /** A body field as a string, e.g. getBodyValue("output_ResponseCode"); null if absent. */
    public String getBodyValue(String name) {
        Object value = body.get(name);
        return value == null ? null : value.toString();
    }

    @Override
    public String toString() {
        return "APIResponse{statusCode=" + statusCode + ", body=" + text + "}";
    }
}
