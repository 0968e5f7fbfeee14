package io.resflow.runtime.tensorflow;

import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way into TensorFlow in ResFlow: prepares the native libraries, then starts DJL's
 * TensorFlow engine.
 *
 * <p>Call {@link #engine()} before touching any {@code org.tensorflow.*} class (TensorFlow's Java
 * API, e.g. to build a graph): those classes load the native libraries through JavaCPP on first use
 * and only find them when DJL's engine has set them up.
 *
 * <pre>{@code
 * Engine tensorflow = TensorFlowRuntime.engine();
 * try (Model model = Model.newInstance("m", Device.cpu(), tensorflow.getEngineName())) { ... }
 * }</pre>
 */
public final class TensorFlowRuntime {

    /** DJL's name for its TensorFlow engine. */
    public static final String ENGINE_NAME = "TensorFlow";

    private static final Logger LOG = LoggerFactory.getLogger(TensorFlowRuntime.class);
    private static volatile Engine engine;

    private TensorFlowRuntime() {}

    /**
     * Prepares the native libraries ({@link TensorFlowNativeLibraries#prepare()}), then starts
     * DJL's TensorFlow engine; later calls return the same engine. Thread-safe.
     *
     * @throws TensorFlowUnavailableException when no native libraries are usable or the engine
     *     fails to start; never downloads anything
     */
    public static Engine engine() {
        Engine started = engine;
        if (started != null) {
            return started;
        }
        synchronized (TensorFlowRuntime.class) {
            if (engine == null) {
                NativeLibrarySetup natives = TensorFlowNativeLibraries.prepare();
                long start = System.nanoTime();
                try {
                    Engine tensorflow = Engine.getEngine(ENGINE_NAME);
                    LOG.info(
                            "TensorFlow {} engine started in {} ms with natives from {}",
                            tensorflow.getVersion(),
                            (System.nanoTime() - start) / 1_000_000,
                            natives.describe());
                    engine = tensorflow;
                } catch (RuntimeException | LinkageError e) {
                    throw new TensorFlowUnavailableException(
                            "DJL's TensorFlow engine did not start with natives "
                                    + natives.describe()
                                    + ": "
                                    + e,
                            e);
                }
            }
            return engine;
        }
    }

    /** How the native libraries were found, preparing them if that has not happened yet. */
    public static NativeLibrarySetup nativeLibraries() {
        return TensorFlowNativeLibraries.prepare();
    }
}
