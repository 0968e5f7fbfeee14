package io.resflow.k8s.manifests;

/**
 * Something in k8s/ that is wrong: where it is, and what is wrong with it.
 *
 * @param where a file relative to k8s/, with the object or field when known
 * @param message what is wrong, and what would be right
 */
public record Problem(String where, String message) {

    @Override
    public String toString() {
        return where + ": " + message;
    }
}
