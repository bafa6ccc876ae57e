package dev.opencomputer.sandbox;

/** The image is not present on the engine; images are built or loaded locally, never pulled implicitly. */
public class SandboxImageNotFoundException extends SandboxException {

    private final String image;

    public SandboxImageNotFoundException(String image) {
        super("image " + image + " is not present on the container engine");
        this.image = image;
    }

    public String image() {
        return image;
    }
}
