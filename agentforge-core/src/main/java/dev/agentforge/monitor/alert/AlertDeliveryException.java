package dev.agentforge.monitor.alert;

/**
 * A channel failed to deliver a notice. Its message must not contain a secret such as a webhook URL or a
 * password, because the {@link AlertManager} logs it.
 */
public class AlertDeliveryException extends Exception {

    public AlertDeliveryException(String message) {
        super(message);
    }
}
