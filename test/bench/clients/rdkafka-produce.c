/*
 * A librdkafka producer for benchmarks: sends COUNT records of SIZE bytes (no key; with bench.keys=K, keys
 * "key-00000000" … cycling over K distinct keys, for compacted topics) as fast as the client allows and prints one JSON line with what was acknowledged, how long it took, and the latency of each
 * record from produce() to its delivery report (µs: p50/p90/p99/p99.9/max) — like ProducerPerformance's
 * per-record latency, so under an unthrottled load it is mostly time spent queued in the client.
 *
 * usage: rdkafka-produce BOOTSTRAP TOPIC COUNT SIZE [bench.keys=K] [key=value librdkafka config ...]
 */
#include "bench-common.h"

static long delivered = 0, failed = 0;
static rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
static histogram latency;
static int64_t t0;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) {
    failed++;
    if (!first_error) first_error = m->err;
  } else {
    delivered++;
    int64_t sent_us = (int64_t)(intptr_t)m->_private;
    hist_add(&latency, (now_ns() - t0) / 1000 - sent_us);
  }
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC COUNT SIZE [key=value ...]\n", argv[0]);
    return 2;
  }
  const char *topic = argv[2];
  long count = atol(argv[3]);
  int size = atoi(argv[4]);
  rd_kafka_t *rk = new_producer(argv[1], argc - 5, argv + 5, on_delivery);
  hist_init(&latency);
  long keys = atol(bench_option(argc - 5, argv + 5, "keys", "0"));
  char key[32];
  char *payload = malloc(size);
  for (int i = 0; i < size; i++) payload[i] = 'a' + (i % 26);
  /* Learn the partitions first so that the timed part does not include the first metadata round trip. */
  if (topic_partitions(rk, topic) < 0) {
    fprintf(stderr, "topic %s not found\n", topic);
    return 1;
  }

  t0 = now_ns();
  for (long i = 0; i < count; i++) {
    for (;;) {
      intptr_t sent_us = (intptr_t)((now_ns() - t0) / 1000);
      size_t key_len = keys > 0 ? (size_t)snprintf(key, sizeof key, "key-%08ld", i % keys) : 0;
      rd_kafka_resp_err_t e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(keys > 0 ? key : NULL, key_len),
                                                RD_KAFKA_V_VALUE(payload, size),
                                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                RD_KAFKA_V_OPAQUE((void *)sent_us), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        fprintf(stderr, "produce failed: %s\n", rd_kafka_err2str(e));
        return 1;
      }
      rd_kafka_poll(rk, 1);
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 120000);
  double seconds = (now_ns() - t0) / 1e9;
  printf("{\"records\":%ld,\"failed\":%ld,\"bytes\":%ld,\"seconds\":%.6f,\"error\":\"%s\",\"librdkafka\":\"%s\",", delivered,
         failed, delivered * (long)size, seconds, first_error ? rd_kafka_err2str(first_error) : "", rd_kafka_version_str());
  hist_print_json(&latency);
  printf("}\n");
  fflush(stdout);
  rd_kafka_destroy(rk);
  free(payload);
  return failed > 0 || delivered != count ? 1 : 0;
}
