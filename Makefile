# safetydw — the two commands that matter: `make demo` and `make test`.
# Both install what is missing (as root, from Debian's packages and npm) and start the
# project's own ClickHouse, unless CLICKHOUSE_ADDR points at another server.

SHELL := /bin/bash
ECHARTS_VERSION := 5.4.3
ECHARTS := var/echarts/package/dist/echarts.min.js
BIN := bin/safetydw
# Debian packages the browser tests and PDF bulletins need (poppler-utils: the bulletin test reads the PDF with pdftotext and pdffonts).
BROWSER_DEBS := chromium fonts-wqy-zenhei poppler-utils

.PHONY: demo test bench bench-scale build assets clickhouse clickhouse-stop browser sample vet clean cluster cluster-stop cluster-test cluster-test-queries cluster-test-etl cluster-test-pages cluster-bench

demo: build assets clickhouse
	$(BIN) demo

test: assets clickhouse browser
	go vet ./...
	go test -count=1 -timeout 30m ./...

# The CPU stages alone, then whole loads against clickhouse-client, five runs each, with the
# min / median / max of every figure at the end (BENCH_ROWS picks one size).
bench: assets clickhouse
	go test -run '^$$' -bench 'Split|Transform|Archive' -benchmem ./etl/...
	set -o pipefail; go test -run '^$$' -bench SensorLoad -benchtime 1x -count 5 -timeout 120m ./etl/ | awk -f etl/benchsummary.awk

# The whole pipeline at scale 1 and 10, each step timed, with the ratio (deploy/bench-scale.sh; BENCHMARKS.md).
bench-scale: build assets clickhouse browser
	deploy/bench-scale.sh

build:
	go build -o $(BIN) ./cmd/safetydw

# ECharts comes from the npm registry at build time and is never committed.
assets: $(ECHARTS)
$(ECHARTS):
	mkdir -p var/echarts
	cd var/echarts && npm pack echarts@$(ECHARTS_VERSION) --silent >/dev/null && tar xzf echarts-$(ECHARTS_VERSION).tgz package/dist/echarts.min.js package/package.json
	@test -s $@

clickhouse:
	warehouse/clickhouse/server.sh start

clickhouse-stop:
	warehouse/clickhouse/server.sh stop

# Cluster mode (README "Cluster mode"): ZooKeeper and four servers, 2 shards × 2 replicas, under var/cluster.
CLUSTER_DEPLOY := $(CURDIR)/var/cluster/deploy.yaml
# The pipeline suite against the cluster: the hand-counted sample pipeline, the cluster's own
# tests (single vs cluster, faults), the scheduler's ledger, catch-up, leases and SIGTERM, the
# refresh's metric tests, and from etl the idempotency, SIGKILL, replay, re-sent files (ALTER DELETE on the
# shards), key conflicts (GLOBAL IN) and quarantine tests. The per-dataset, bad-input and the
# scheduler's timing tests run in single mode only: on the cluster each of their many small
# databases waits for ZooKeeper (TestBadInputs alone takes 9 minutes), and they add no cluster
# behaviour. The fault tests (cron) run alone: they stop nodes.
CLUSTER_CRON_TESTS := '^Test(Cluster.*|SamplePipeline|CatchUpExactlyOnce|SecondSchedulerDoesNotRunJobTwice|LeaseRenewedWhileRunning|SIGTERMDuringLoadLeavesConsistentState)$$'
# The hand-counted metric tests of the refresh itself (every other metric's values are compared
# between one server and the cluster by TestClusterMatchesSingle on the sample).
CLUSTER_QUERIES_TESTS := '^Test(MetricsOnHandMadeFacts|HazardMetrics|EnforcementMetrics|MajorHazardsClosedOnTime|ConcurrentRefreshesNeverDouble|SpecChecks|Catalogue|Assess|Periods)$$'
CLUSTER_ETL_TESTS := '^Test(SQLSourceSurvivesSIGKILL|ResentFileReplacesItsRows|GlobalKeyConflictAcrossFilesIsQuarantined|ReplayRebuildsFromTheArchive|CorrectedRowsFeedAgain|ChunkedFilesLoadTheSame|DrillSliceEndToEnd)$$'
CLUSTER_WAREHOUSE_TESTS := '^Test(Reference|Deploy|Render|DictionaryPage)'

cluster:
	warehouse/clickhouse/cluster.sh start

cluster-stop:
	warehouse/clickhouse/cluster.sh stop

# The cron package first and alone: its fault tests stop nodes and ZooKeeper. The other three
# one after the other too: side by side, the etl tests' ALTER … ON CLUSTER and the queries
# tests' DDL met in 18.16's DDL worker ("Node exists" on a replicated ALTER task, then the
# queue stalled) and two CREATE DATABASE ON CLUSTER missed their 30 s (1 rehearsal of 2).
cluster-test: assets cluster
	env -u CLICKHOUSE_ADDR SAFETYDW_DEPLOY=$(CLUSTER_DEPLOY) go test -count=1 -timeout 45m -tags cluster -run $(CLUSTER_CRON_TESTS) ./cron/
	$(MAKE) --no-print-directory cluster-test-queries cluster-test-etl cluster-test-pages

cluster-test-queries:
	env -u CLICKHOUSE_ADDR SAFETYDW_DEPLOY=$(CLUSTER_DEPLOY) go test -count=1 -timeout 30m -tags cluster -run $(CLUSTER_QUERIES_TESTS) ./queries/
cluster-test-etl:
	env -u CLICKHOUSE_ADDR SAFETYDW_DEPLOY=$(CLUSTER_DEPLOY) go test -count=1 -timeout 30m -tags cluster -run $(CLUSTER_ETL_TESTS) ./etl/
cluster-test-pages:
	env -u CLICKHOUSE_ADDR SAFETYDW_DEPLOY=$(CLUSTER_DEPLOY) go test -count=1 -run $(CLUSTER_WAREHOUSE_TESTS) ./warehouse/ ./dashboards/

# Load rate into the 2 × 2 cluster against one server, same rows, same run (BENCHMARKS.md).
cluster-bench: cluster
	env -u CLICKHOUSE_ADDR SAFETYDW_DEPLOY=$(CLUSTER_DEPLOY) go test -tags cluster -run '^$$' -bench ClusterLoad -benchtime 1x -count 3 -timeout 60m ./etl/

browser:
	@missing=""; for p in $(BROWSER_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages (缺少软件包):$$missing — run as root: apt-get install -y$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Regenerates the committed sample set; a test fails if the committed files are stale.
sample: build
	$(BIN) sample --seed 1 --scale 0.1 --out sample_data

vet:
	gofmt -l . | (! grep .)
	go vet ./...

clean:
	rm -rf bin out out.building
