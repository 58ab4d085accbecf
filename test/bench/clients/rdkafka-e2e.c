/*
 * End-to-end latency at a fixed rate, in microseconds: one process, one librdkafka producer and one
 * librdkafka consumer (assign() from the current high watermarks, no consumer group). The producer sends
 * RATE records/s of SIZE bytes, paced by a token bucket (it sleeps until the next record is due and then
 * sends everything that is due, so a slow send never lowers the offered rate); each payload starts with the
 * CLOCK_MONOTONIC time at produce() (the first attempt: time waiting for room in a full local queue counts). The consumer thread records now - sent for every record it reads.
 * Records sent during the first WARMUP seconds are read but not measured.
 *
 * usage: rdkafka-e2e BOOTSTRAP TOPIC RATE SECONDS WARMUP SIZE [key=value ...]
 *        key=value applies to both clients; producer.key=value / consumer.key=value to one of them.
 * prints: {"sent":…,"received":…,"samples":…,"p50_us":…,"p99_us":…,"p999_us":…,"max_us":…,…,
 *          "ack":{…the same for produce() -> acknowledgement…}}
 */
#include "bench-common.h"
#include <pthread.h>
#include <stdatomic.h>

static const char *topic;
static rd_kafka_t *consumer;
static int64_t measure_from_ns;
static histogram latency; /* produce() -> read by the consumer */
static histogram ack_latency; /* produce() -> delivery report (acknowledged) */
static atomic_long received;
static atomic_int stop_consumer;
static long delivery_errors = 0;
static rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) {
    delivery_errors++;
    if (!first_error) first_error = m->err;
  } else {
    int64_t sent = (int64_t)(intptr_t)m->_private;
    if (sent >= measure_from_ns) hist_add(&ack_latency, (now_ns() - sent) / 1000);
  }
}

static void *consume_loop(void *arg) {
  (void)arg;
  /* One record per call: the batch API would hold records back until its batch is full or it times out. */
  while (!atomic_load(&stop_consumer)) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
    if (!m) continue;
    int64_t now = now_ns();
    if (!m->err && m->len >= sizeof(int64_t)) {
      int64_t sent;
      memcpy(&sent, m->payload, sizeof sent);
      if (sent >= measure_from_ns) hist_add(&latency, (now - sent) / 1000);
      atomic_fetch_add(&received, 1);
    }
    rd_kafka_message_destroy(m);
  }
  return NULL;
}

static rd_kafka_t *make_client(rd_kafka_type_t type, const char *bootstrap, int argc, char **argv) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err) != RD_KAFKA_CONF_OK) goto fail;
  if (type == RD_KAFKA_CONSUMER) {
    if (rd_kafka_conf_set(conf, "enable.partition.eof", "false", err, sizeof err) != RD_KAFKA_CONF_OK) goto fail;
    if (rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err) != RD_KAFKA_CONF_OK) goto fail;
    /* librdkafka's assign() needs a group.id, though no group is joined and nothing is committed. */
    if (rd_kafka_conf_set(conf, "group.id", "eddy-bench-assign", err, sizeof err) != RD_KAFKA_CONF_OK) goto fail;
  } else {
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  }
  if (apply_configs(conf, argc, argv, type == RD_KAFKA_CONSUMER ? "consumer." : "producer.") != 0) exit(2);
  rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk) return rk;
fail:
  fprintf(stderr, "%s\n", err);
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC RATE SECONDS WARMUP SIZE [key=value ...]\n", argv[0]);
    return 2;
  }
  const char *bootstrap = argv[1];
  topic = argv[2];
  double rate = atof(argv[3]);
  double seconds = atof(argv[4]);
  double warmup = atof(argv[5]);
  int size = atoi(argv[6]);
  if (size < (int)sizeof(int64_t)) size = sizeof(int64_t);
  hist_init(&latency);
  hist_init(&ack_latency);

  consumer = make_client(RD_KAFKA_CONSUMER, bootstrap, argc - 7, argv + 7);
  rd_kafka_poll_set_consumer(consumer);
  int partitions = topic_partitions(consumer, topic);
  if (partitions < 0) {
    fprintf(stderr, "topic %s not found\n", topic);
    return 1;
  }
  rd_kafka_topic_partition_list_t *assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; p++) {
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(consumer, topic, p, &lo, &hi, 10000);
    if (e) {
      fprintf(stderr, "watermarks of %s-%d: %s\n", topic, p, rd_kafka_err2str(e));
      return 1;
    }
    rd_kafka_topic_partition_list_add(assignment, topic, p)->offset = hi;
  }
  if (rd_kafka_assign(consumer, assignment)) {
    fprintf(stderr, "assign failed\n");
    return 1;
  }
  pthread_t thread;
  pthread_create(&thread, NULL, consume_loop, NULL);

  rd_kafka_t *producer = make_client(RD_KAFKA_PRODUCER, bootstrap, argc - 7, argv + 7);
  if (topic_partitions(producer, topic) < 0) {
    fprintf(stderr, "producer: topic %s not found\n", topic);
    return 1;
  }
  char *payload = calloc(1, size);
  for (int i = sizeof(int64_t); i < size; i++) payload[i] = 'a' + (i % 26);

  int64_t start = now_ns();
  int64_t interval = (int64_t)(1e9 / rate);
  measure_from_ns = start + (int64_t)(warmup * 1e9);
  int64_t end = measure_from_ns + (int64_t)(seconds * 1e9);
  long sent = 0;
  for (;;) {
    int64_t now = now_ns();
    if (now >= end) break;
    long due = (long)((double)(now - start) * rate / 1e9) + 1;
    while (sent < due) {
      int64_t ts = now_ns();
      memcpy(payload, &ts, sizeof ts);
      if (produce_value(producer, topic, payload, size, (void *)(intptr_t)ts) != 0) return 1;
      sent++;
    }
    rd_kafka_poll(producer, 0);
    sleep_until(start + sent * interval);
  }
  double elapsed = (now_ns() - start) / 1e9;
  rd_kafka_flush(producer, 30000);
  /* Wait (up to 15 s) for the consumer to read everything that was sent. */
  int64_t wait_until = now_ns() + 15LL * 1000000000LL;
  while (atomic_load(&received) < sent && now_ns() < wait_until) sleep_until(now_ns() + 10000000LL);
  atomic_store(&stop_consumer, 1);
  pthread_join(thread, NULL);

  printf("{\"rate\":%.0f,\"sent\":%ld,\"achieved_rate\":%.1f,\"received\":%ld,\"delivery_errors\":%ld,\"error\":\"%s\",\"partitions\":%d,"
         "\"librdkafka\":\"%s\",",
         rate, sent, sent / elapsed, atomic_load(&received), delivery_errors, first_error ? rd_kafka_err2str(first_error) : "",
         partitions, rd_kafka_version_str());
  hist_print_json(&latency);
  printf(",\"ack\":{");
  hist_print_json(&ack_latency);
  printf("}}\n");
  fflush(stdout);
  rd_kafka_destroy(producer);
  rd_kafka_assign(consumer, NULL);
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_topic_partition_list_destroy(assignment);
  return atomic_load(&received) == sent && delivery_errors == 0 ? 0 : 1;
}
