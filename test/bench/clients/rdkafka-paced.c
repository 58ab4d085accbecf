/*
 * A librdkafka producer at a fixed rate that records every acknowledgement: for each record, the
 * CLOCK_MONOTONIC time of produce() and the produce() -> delivery report latency, written to OUTFILE as
 * binary pairs (int64 sent_ns, int64 latency_us; latency -1 for a failed delivery). The benchmark picks the
 * records sent inside a time window from that file (e.g. while a log cleaner runs): Node's
 * process.hrtime.bigint() reads the same clock. Runs SECONDS seconds or until SIGTERM/SIGINT, then flushes,
 * writes OUTFILE and prints one JSON summary line.
 *
 * usage: rdkafka-paced BOOTSTRAP TOPIC RATE SECONDS SIZE OUTFILE [key=value librdkafka config ...]
 */
#include "bench-common.h"
#include <signal.h>

typedef struct {
  int64_t sent_ns;
  int64_t latency_us;
} sample;

static sample *samples;
static long capacity, acked = 0, failed = 0;
static rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
static volatile sig_atomic_t stop = 0;

static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  long i = (long)(intptr_t)m->_private;
  if (i < 0 || i >= capacity) return;
  if (m->err) {
    failed++;
    if (!first_error) first_error = m->err;
    samples[i].latency_us = -1;
  } else {
    acked++;
    samples[i].latency_us = (now_ns() - samples[i].sent_ns) / 1000;
  }
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC RATE SECONDS SIZE OUTFILE [key=value ...]\n", argv[0]);
    return 2;
  }
  const char *topic = argv[2];
  double rate = atof(argv[3]);
  double seconds = atof(argv[4]);
  int size = atoi(argv[5]);
  const char *outfile = argv[6];
  capacity = (long)(rate * seconds) + 16;
  samples = calloc(capacity, sizeof(sample));
  rd_kafka_t *rk = new_producer(argv[1], argc - 7, argv + 7, on_delivery);
  if (topic_partitions(rk, topic) < 0) {
    fprintf(stderr, "topic %s not found\n", topic);
    return 1;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  char *payload = malloc(size);
  for (int i = 0; i < size; i++) payload[i] = 'a' + (i % 26);

  int64_t start = now_ns();
  int64_t interval = (int64_t)(1e9 / rate);
  int64_t end = start + (int64_t)(seconds * 1e9);
  long sent = 0;
  while (!stop) {
    int64_t now = now_ns();
    if (now >= end) break;
    long due = (long)((double)(now - start) * rate / 1e9) + 1;
    if (due > capacity) due = capacity;
    while (sent < due && !stop) {
      samples[sent].sent_ns = now_ns();
      samples[sent].latency_us = -2; /* not acknowledged (yet) */
      if (produce_value(rk, topic, payload, size, (void *)(intptr_t)sent) != 0) return 1;
      sent++;
    }
    rd_kafka_poll(rk, 0);
    if (sent >= capacity) break;
    sleep_until(start + sent * interval);
  }
  double elapsed = (now_ns() - start) / 1e9;
  rd_kafka_flush(rk, 30000);
  FILE *f = fopen(outfile, "wb");
  if (!f || fwrite(samples, sizeof(sample), (size_t)sent, f) != (size_t)sent || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", outfile);
    return 1;
  }
  histogram h;
  hist_init(&h);
  for (long i = 0; i < sent; i++) {
    if (samples[i].latency_us >= 0) hist_add(&h, samples[i].latency_us);
  }
  printf("{\"rate\":%.0f,\"sent\":%ld,\"acked\":%ld,\"failed\":%ld,\"seconds\":%.3f,\"error\":\"%s\",\"librdkafka\":\"%s\",", rate, sent,
         acked, failed, elapsed, first_error ? rd_kafka_err2str(first_error) : "", rd_kafka_version_str());
  hist_print_json(&h);
  printf("}\n");
  fflush(stdout);
  rd_kafka_destroy(rk);
  return failed > 0 || acked != sent ? 1 : 0;
}
