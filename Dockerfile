# batchwise: multi-stage build. Stage 1 builds the app with Maven; stage 2 runs it on a slim Java 17 runtime.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY batching-policy batching-policy
COPY client client
COPY learner learner
COPY learner-nd4j learner-nd4j
COPY ingest ingest
COPY app app
# the reactor lists the bench module; its pom is enough, since the image builds only the app and what it needs
COPY bench/pom.xml bench/pom.xml
RUN mvn -B -q -pl app -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system batchwise && useradd --system --gid batchwise --uid 10001 --home-dir /opt/batchwise batchwise \
    && mkdir -p /var/lib/batchwise && chown batchwise:batchwise /var/lib/batchwise
WORKDIR /opt/batchwise
COPY --from=build /src/app/target/batchwise.jar batchwise.jar
COPY --from=build /src/app/target/lib lib
# the launcher's JVM settings (see ./batchwise): one OpenMP thread for ND4J, bounded heap and native memory,
# Avro's trusted packages; serve listens on every interface of the container (its default elsewhere is loopback),
# and the published ports decide who reaches it
ENV OMP_NUM_THREADS=1 \
    JAVA_TOOL_OPTIONS="-Xmx1g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.util,io.batchwise" \
    BATCHWISE_STATE_DIR=/var/lib/batchwise/state \
    BATCHWISE_SERVE_HOST=0.0.0.0
USER batchwise
ENTRYPOINT ["java", "-cp", "/opt/batchwise/batchwise.jar:/opt/batchwise/lib/*", "io.batchwise.app.Main"]
CMD ["--help"]
