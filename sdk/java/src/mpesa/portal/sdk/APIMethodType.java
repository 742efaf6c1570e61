package mpesa.portal.sdk;

/** The REST verb of a call. */
public enum APIMethodType {
    GET,
    POST,
    PUT,
    DELETE
}
