/*
 * Time for a new consumer group of MEMBERS librdkafka consumers (classic protocol: JoinGroup/SyncGroup) to
 * get its first complete assignment. The consumers are created and connected first (a metadata request on
 * each, so bootstrap connections and topic metadata are in place), then subscribe() back to back; t0 is the
 * first subscribe(). Each consumer polls in its own thread; its rebalance callback records when it gets an
 * assignment. Done when every member holds a non-empty assignment and together they hold every partition
 * of TOPIC (the same generation). The consumers then leave the group (consumer_close).
 *
 * usage: rdkafka-group BOOTSTRAP TOPIC GROUP MEMBERS [key=value librdkafka config ...]
 * prints: {"members":…,"partitions":…,"all_assigned_ms":…,"first_assigned_ms":…,"assigned_ms":[…],"rebalances":…}
 */
#include "bench-common.h"
#include <pthread.h>
#include <stdatomic.h>

#define MAX_MEMBERS 16
#define TIMEOUT_NS (120LL * 1000000000LL)

typedef struct {
  rd_kafka_t *rk;
  int index;
  atomic_int assigned; /* partitions currently assigned */
  atomic_llong assigned_at_ns;
  atomic_int rebalances;
} member;

static member members[MAX_MEMBERS];
static int member_count;
static atomic_int stop_polling;

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts, void *opaque) {
  member *m = opaque;
  atomic_fetch_add(&m->rebalances, 1);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, parts);
    atomic_store(&m->assigned_at_ns, now_ns());
    atomic_store(&m->assigned, parts->cnt);
  } else {
    rd_kafka_assign(rk, NULL);
    atomic_store(&m->assigned, 0);
  }
}

static void *poll_loop(void *arg) {
  member *m = arg;
  while (!atomic_load(&stop_polling)) {
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(m->rk, 50);
    if (msg) rd_kafka_message_destroy(msg);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC GROUP MEMBERS [key=value ...]\n", argv[0]);
    return 2;
  }
  const char *topic = argv[2];
  member_count = atoi(argv[4]);
  if (member_count < 1 || member_count > MAX_MEMBERS) {
    fprintf(stderr, "MEMBERS must be 1..%d\n", MAX_MEMBERS);
    return 2;
  }
  char err[512];
  int partitions = -1;
  for (int i = 0; i < member_count; i++) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char client_id[64];
    snprintf(client_id, sizeof client_id, "eddy-bench-member-%d", i);
    if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "group.id", argv[3], err, sizeof err) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "client.id", client_id, err, sizeof err) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err) != RD_KAFKA_CONF_OK) {
      fprintf(stderr, "%s\n", err);
      return 2;
    }
    if (apply_configs(conf, argc - 5, argv + 5, "consumer.") != 0) return 2;
    members[i].index = i;
    rd_kafka_conf_set_opaque(conf, &members[i]);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    members[i].rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!members[i].rk) {
      fprintf(stderr, "%s\n", err);
      return 2;
    }
    rd_kafka_poll_set_consumer(members[i].rk);
    int n = topic_partitions(members[i].rk, topic);
    if (n < 0) {
      fprintf(stderr, "topic %s not found\n", topic);
      return 1;
    }
    partitions = n;
  }
  pthread_t threads[MAX_MEMBERS];
  for (int i = 0; i < member_count; i++) pthread_create(&threads[i], NULL, poll_loop, &members[i]);

  rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA);
  int64_t t0 = now_ns();
  for (int i = 0; i < member_count; i++) {
    rd_kafka_resp_err_t e = rd_kafka_subscribe(members[i].rk, subscription);
    if (e) {
      fprintf(stderr, "subscribe: %s\n", rd_kafka_err2str(e));
      return 1;
    }
  }
  int64_t done_ns = -1;
  while (now_ns() - t0 < TIMEOUT_NS) {
    int total = 0, all = 1;
    for (int i = 0; i < member_count; i++) {
      int a = atomic_load(&members[i].assigned);
      if (a <= 0) all = 0;
      total += a;
    }
    if (all && total == partitions) {
      done_ns = 0;
      for (int i = 0; i < member_count; i++) {
        int64_t at = atomic_load(&members[i].assigned_at_ns);
        if (at > done_ns) done_ns = at;
      }
      break;
    }
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  int64_t first = -1;
  for (int i = 0; i < member_count; i++) {
    int64_t at = atomic_load(&members[i].assigned_at_ns);
    if (at > 0 && (first < 0 || at < first)) first = at;
  }
  printf("{\"members\":%d,\"partitions\":%d,\"all_assigned_ms\":%.3f,\"first_assigned_ms\":%.3f,\"assigned_ms\":[", member_count, partitions,
         done_ns > 0 ? (done_ns - t0) / 1e6 : -1.0, first > 0 ? (first - t0) / 1e6 : -1.0);
  int rebalances = 0;
  for (int i = 0; i < member_count; i++) {
    int64_t at = atomic_load(&members[i].assigned_at_ns);
    printf("%s%.3f", i ? "," : "", at > 0 ? (at - t0) / 1e6 : -1.0);
    rebalances += atomic_load(&members[i].rebalances);
  }
  printf("],\"rebalances\":%d,\"librdkafka\":\"%s\"}\n", rebalances, rd_kafka_version_str());
  fflush(stdout);

  atomic_store(&stop_polling, 1);
  for (int i = 0; i < member_count; i++) pthread_join(threads[i], NULL);
  for (int i = 0; i < member_count; i++) {
    rd_kafka_consumer_close(members[i].rk);
    rd_kafka_destroy(members[i].rk);
  }
  rd_kafka_topic_partition_list_destroy(subscription);
  return done_ns > 0 ? 0 : 1;
}
