package dev.opencomputer.sdk.sessions;

/**
 * Body of {@link Sessions#changeConfig}: the fields to change from the next model call; null fields
 * stay as they are (and are not sent). At least one must be set.
 */
public record ConfigChange(String model, String mode, String thinking) {

    public static ConfigChange model(String model) {
        return new ConfigChange(model, null, null);
    }

    public static ConfigChange mode(String mode) {
        return new ConfigChange(null, mode, null);
    }

    public static ConfigChange thinking(String thinking) {
        return new ConfigChange(null, null, thinking);
    }

    public ConfigChange withModel(String newModel) {
        return new ConfigChange(newModel, mode, thinking);
    }

    public ConfigChange withMode(String newMode) {
        return new ConfigChange(model, newMode, thinking);
    }

    public ConfigChange withThinking(String newThinking) {
        return new ConfigChange(model, mode, newThinking);
    }
}
