package dev.opencomputer.secrets;

/** No secret with this name exists in this tenant (another tenant's secret counts as missing). */
public final class SecretNotFoundException extends RuntimeException {

    private final String tenant;
    private final SecretName name;

    public SecretNotFoundException(String tenant, SecretName name) {
        super("no secret named '" + name + "' in tenant " + tenant);
        this.tenant = tenant;
        this.name = name;
    }

    public String tenant() {
        return tenant;
    }

    public SecretName name() {
        return name;
    }
}
