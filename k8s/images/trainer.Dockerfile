# syntax=docker/dockerfile:1.7
# The model-trainer's image: the ./resflow launcher's jars on a Java 17 runtime, with Fashion-MNIST,
# running `resflow <command>` (the Job and CronJob pass `train ...`). Build from the repository root:
#
#   docker build -f k8s/images/trainer.Dockerfile --target cpu -t resflow/trainer:0.1.0-SNAPSHOT .
#   docker build -f k8s/images/trainer.Dockerfile --target gpu -t resflow/trainer:0.1.0-SNAPSHOT-gpu .
#
# What is in it, and why:
#   /opt/resflow/lib/          cli/target/lib and the launcher's jar, as `./mvnw -pl cli -am package`
#                              leaves them (the same class path ./resflow runs with).
#   /opt/resflow/jvm.options   the JVM options from the root pom (flink.jvm.opens), read with java @file.
#   /opt/resflow/natives/...   TensorFlow's natives (the export's parity gate runs the SavedModel) and
#                              PyTorch's (training), unpacked at build time and named by
#                              TENSORFLOW_LIBRARY_PATH and PYTORCH_LIBRARY_PATH: left in their jars, DJL
#                              unpacked PyTorch's into /tmp at every start (the home is not writable), about
#                              3 GB for the CUDA build. Only DJL's 4 MB JNI library is unpacked at start.
#   Fashion-MNIST              Debian's dataset-fashion-mnist, where the launcher looks for it.
#   GPU variant                PyTorch's CUDA 12.4 natives (from pytorch-native-cu124, which bundles its
#                              CUDA libraries) instead of the CPU ones, and the CUDA 12.4 runtime library
#                              (libcudart) from NVIDIA's image: DJL decides whether there is a GPU, and
#                              whether the cu124 natives fit, by loading the system's libcudart and asking
#                              it; the NVIDIA container toolkit mounts only the driver (libcuda). Without it
#                              DJL saw no GPU, refused the cu124 jar and tried to download CPU natives
#                              (no internet at run time). The node's driver must support CUDA 12.4.

# Versions: keep in step with the root pom.xml (pytorch.native.version, tensorflow.native.version);
# the manifest test (k8s/src/test) checks these ARGs against it.
ARG PYTORCH_NATIVE_VERSION=2.5.1
ARG TENSORFLOW_NATIVE_VERSION=2.16.1
# Debian 12: Java 17 (openjdk-17-jre-headless) and dataset-fashion-mnist are Debian packages there.
ARG RUNTIME_IMAGE=debian:12.12-slim
# Build stage only (not shipped); pin it by digest for byte-identical builds.
ARG BUILD_IMAGE=eclipse-temurin:17-jdk-noble
# Only its CUDA runtime library is copied into the GPU variant; at least the cu124 natives' CUDA version.
ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:12.4.1-base-ubuntu22.04

FROM ${CUDA_RUNTIME_IMAGE} AS cuda-runtime

FROM ${BUILD_IMAGE} AS build
ARG PYTORCH_NATIVE_VERSION
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    set -eu; \
    ./mvnw -B -ntp -pl cli -am package -DskipTests; \
    mkdir -p /out/lib /out/natives /out/cuda /out/pytorch-cpu /out/pytorch-cu124; \
    cp cli/target/lib/*.jar /out/lib/; \
    cp "$(ls cli/target/resflow-cli-*.jar | grep -v -- '-tests.jar$')" /out/lib/resflow-cli.jar; \
    cp cli/target/jvm.options /out/jvm.options; \
    for jar in /out/lib/tensorflow-native-*.jar; do \
      (cd /out/natives && jar xf "$jar" native/lib && mv native/lib/* . && rm -r native && rm "$jar"); \
    done; \
    test -f /out/natives/libjnitensorflow.so; \
    ./mvnw -B -ntp dependency:copy \
      -Dartifact=ai.djl.pytorch:pytorch-native-cu124:${PYTORCH_NATIVE_VERSION}:jar:linux-x86_64 \
      -DoutputDirectory=/out/cuda; \
    for flavor in cpu cu124; do \
      native_jar="$(find /out/lib /out/cuda -name "pytorch-native-${flavor}-*.jar")"; \
      (cd /tmp && jar xf "$native_jar" pytorch && mv "pytorch/${flavor}/linux-x86_64/"* "/out/pytorch-${flavor}/" \
        && rm -r pytorch); \
      rm "$native_jar"; \
      test -f "/out/pytorch-${flavor}/libtorch.so"; \
    done

FROM ${RUNTIME_IMAGE} AS cpu
ARG TENSORFLOW_NATIVE_VERSION
ARG PYTORCH_NATIVE_VERSION
RUN set -eu; \
    apt-get update; \
    apt-get install -y --no-install-recommends openjdk-17-jre-headless dataset-fashion-mnist; \
    rm -rf /var/lib/apt/lists/*; \
    useradd --system --uid 10001 --home-dir /opt/resflow resflow
ENV TENSORFLOW_LIBRARY_PATH=/opt/resflow/natives/tensorflow-${TENSORFLOW_NATIVE_VERSION}-cu121-linux-x86_64 \
    PYTORCH_LIBRARY_PATH=/opt/resflow/natives/pytorch-${PYTORCH_NATIVE_VERSION}-cpu \
    PYTORCH_VERSION=${PYTORCH_NATIVE_VERSION} \
    PYTORCH_FLAVOR=cpu
COPY --from=build /out/natives/ ${TENSORFLOW_LIBRARY_PATH}/
COPY --from=build /out/pytorch-cpu/ ${PYTORCH_LIBRARY_PATH}/
COPY --from=build /out/jvm.options /opt/resflow/jvm.options
COPY --from=build /out/lib/ /opt/resflow/lib/
WORKDIR /opt/resflow
USER 10001
# 9464: the trainer's Prometheus /metrics (the Job passes --metrics-port 9464).
EXPOSE 9464
ENTRYPOINT ["java", "@/opt/resflow/jvm.options", "-Dresflow.fashionMnist.dir=/usr/share/datasets/fashion-mnist", \
            "-cp", "/opt/resflow/lib/*", "io.resflow.cli.ResFlow"]
CMD ["--help"]

# GPU: the CPU image with PyTorch's CUDA natives in place of the CPU ones, and CUDA's runtime library.
FROM cpu AS gpu
ARG PYTORCH_NATIVE_VERSION
USER root
RUN rm -r "${PYTORCH_LIBRARY_PATH}"
ENV PYTORCH_LIBRARY_PATH=/opt/resflow/natives/pytorch-${PYTORCH_NATIVE_VERSION}-cu124 \
    PYTORCH_FLAVOR=cu124
COPY --from=build /out/pytorch-cu124/ ${PYTORCH_LIBRARY_PATH}/
COPY --from=cuda-runtime /usr/local/cuda/lib64/libcudart.so.12* /usr/local/lib/resflow-cuda/
# JNA loads "cudart" as libcudart.so; glibc 2.36 here runs a library built for Ubuntu 22.04's 2.35.
RUN set -eu; \
    cd /usr/local/lib/resflow-cuda; \
    ln -s "$(ls libcudart.so.12.* | head -n 1)" libcudart.so; \
    echo /usr/local/lib/resflow-cuda > /etc/ld.so.conf.d/resflow-cuda.conf; \
    ldconfig
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER 10001
