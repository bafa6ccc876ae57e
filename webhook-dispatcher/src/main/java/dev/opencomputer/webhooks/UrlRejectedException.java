package dev.opencomputer.webhooks;

/** An endpoint URL the SSRF guard refuses: wrong scheme, unresolvable host or a non-public address. */
public class UrlRejectedException extends RuntimeException {

    private final String url;

    public UrlRejectedException(String url, String reason) {
        super(reason);
        this.url = url;
    }

    public String url() {
        return url;
    }
}
