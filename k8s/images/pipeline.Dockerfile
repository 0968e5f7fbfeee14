# syntax=docker/dockerfile:1.7
# The classify job's image: the official Flink image with ResFlow's job in usrlib/ and DJL in lib/.
# Build from the repository root (the build stage compiles the pipeline with ./mvnw):
#
#   docker build -f k8s/images/pipeline.Dockerfile --target cpu -t resflow/pipeline:0.1.0-SNAPSHOT .
#   docker build -f k8s/images/pipeline.Dockerfile --target gpu -t resflow/pipeline:0.1.0-SNAPSHOT-gpu .
#
# Where things go, and why:
#   /opt/flink/usrlib/resflow-pipeline.jar  the job (FlinkDeployment job.jarURI); every jar in usrlib/ is
#                                           on the job's class path: the Kafka connector, kafka-clients,
#                                           Avro and ResFlow's own modules sit next to it.
#   /opt/flink/lib/djl/                     DJL and TensorFlow's Java API. In lib/ they belong to Flink's
#                                           parent class loader and load once per TaskManager. Inside the
#                                           job's class loader every job (re)start would load them again,
#                                           and the second load of the same native library in one JVM
#                                           fails ("already loaded in another classloader"): the known
#                                           DJL-on-Flink pitfall. FlinkDeployment also lists ai.djl. etc.
#                                           in classloader.parent-first-patterns.additional. DJL's
#                                           archive support (commons-compress) stays with the job: with
#                                           TENSORFLOW_LIBRARY_PATH set, DJL never unpacks anything.
#   /opt/resflow/natives/...                TensorFlow's native libraries, unpacked here at build time and
#                                           named by TENSORFLOW_LIBRARY_PATH: no 1.1 GB extraction at
#                                           every pod start, no download at run time. The CUDA 12.1 build
#                                           is the only TensorFlow 2.16.1 native build on Maven Central; it
#                                           runs on CPU as well (model-runtime's TensorFlowNativeLibraries).
#   Flink's own jars (flink-*) are left out: the base image has them, and the Prometheus reporter is
#   already in its plugins/metrics-prometheus/.

# Versions: keep in step with the root pom.xml (flink.version, tensorflow.native.version); the
# manifest test (k8s/src/test) checks these ARGs against it.
ARG FLINK_VERSION=2.2.1
ARG TENSORFLOW_NATIVE_VERSION=2.16.1
ARG FLINK_IMAGE=flink:${FLINK_VERSION}-java17
# CUDA 12 with cuDNN 8.9, the libraries TensorFlow 2.16.1's GPU build loads (DJL's cu121 jar repackages
# TensorFlow's own build, made with CUDA 12.3 and cuDNN 8.9). Not yet run on a GPU: a first GPU deployment
# must check that TensorFlow registers the GPU (it logs a warning naming any library it cannot load, and
# --device GPU then refuses to start); a CUDA 12.3 runtime with cuDNN 8.9 is the alternative if it does not.
ARG CUDA_IMAGE=nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04
# Build stage only (not shipped); pin it by digest for byte-identical builds.
ARG BUILD_IMAGE=eclipse-temurin:17-jdk-noble

FROM ${FLINK_IMAGE} AS flink

FROM ${BUILD_IMAGE} AS build
ARG TENSORFLOW_NATIVE_VERSION
WORKDIR /src
COPY . .
# The pipeline module and exactly its runtime dependencies, sorted into the three places above.
RUN --mount=type=cache,target=/root/.m2 \
    set -eu; \
    ./mvnw -B -ntp -pl pipeline -am install -Dmaven.test.skip=true; \
    ./mvnw -B -ntp -pl pipeline dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/deps; \
    mkdir -p /out/usrlib /out/djl /out/natives; \
    cp "$(ls pipeline/target/resflow-pipeline-*.jar | grep -v -- '-tests.jar$')" /out/usrlib/resflow-pipeline.jar; \
    cd /out/deps; \
    for jar in *.jar; do \
      case "$jar" in \
        tensorflow-native-*) (cd /out/natives && jar xf "/out/deps/$jar" native/lib && mv native/lib/* . && rm -r native) ;; \
        api-[0-9]*|tensorflow-engine-*|tensorflow-api-*|javacpp-*|protobuf-java-*|jna-*|gson-*|error_prone_annotations-*) mv "$jar" /out/djl/ ;; \
        flink-connector-kafka-*) mv "$jar" /out/usrlib/ ;; \
        flink-*) ;; \
        *) mv "$jar" /out/usrlib/ ;; \
      esac; \
    done; \
    test -f /out/natives/libjnitensorflow.so; \
    ls /out/djl /out/usrlib

# CPU: the official Flink image as it is.
FROM flink AS cpu
ARG TENSORFLOW_NATIVE_VERSION
ENV TENSORFLOW_LIBRARY_PATH=/opt/resflow/natives/tensorflow-${TENSORFLOW_NATIVE_VERSION}-cu121-linux-x86_64
COPY --from=build --chown=flink:flink /out/natives/ ${TENSORFLOW_LIBRARY_PATH}/
COPY --from=build --chown=flink:flink /out/djl/ /opt/flink/lib/djl/
COPY --from=build --chown=flink:flink /out/usrlib/ /opt/flink/usrlib/
EXPOSE 9249

# GPU: NVIDIA's CUDA 12.1 runtime (cuBLAS, cuFFT, cuRAND, cuSOLVER, cuSPARSE, cuDNN 8), with the JRE,
# Flink and its entry point copied unchanged from the official Flink image. The device plugin gives
# the container its GPU; the driver comes from the node (NVIDIA container toolkit).
FROM ${CUDA_IMAGE} AS gpu
ARG TENSORFLOW_NATIVE_VERSION
# What the Flink image installs for its entry point: snappy, envsubst, jemalloc.
RUN set -eu; \
    apt-get update; \
    apt-get install -y --no-install-recommends libsnappy1v5 gettext-base libjemalloc-dev; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid=9999 flink; \
    useradd --system --home-dir /opt/flink --uid=9999 --gid=flink flink
ENV JAVA_HOME=/opt/java/openjdk \
    FLINK_HOME=/opt/flink \
    PATH=/opt/java/openjdk/bin:/opt/flink/bin:$PATH \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    TENSORFLOW_LIBRARY_PATH=/opt/resflow/natives/tensorflow-${TENSORFLOW_NATIVE_VERSION}-cu121-linux-x86_64
COPY --from=flink /opt/java/openjdk /opt/java/openjdk
COPY --from=flink --chown=flink:flink /opt/flink /opt/flink
COPY --from=flink /docker-entrypoint.sh /docker-entrypoint.sh
COPY --from=build --chown=flink:flink /out/natives/ ${TENSORFLOW_LIBRARY_PATH}/
COPY --from=build --chown=flink:flink /out/djl/ /opt/flink/lib/djl/
COPY --from=build --chown=flink:flink /out/usrlib/ /opt/flink/usrlib/
WORKDIR /opt/flink
USER flink
EXPOSE 6123 8081 9249
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["help"]
