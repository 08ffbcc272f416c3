#!/bin/bash
# Run once by the influxdb:2.x image, at first start, after `influx setup` created the organisation, the bucket and
# the admin token (the influx CLI is already configured with them; the entrypoint exports the bucket's id).
# Maps the v1 database and retention policy to the bucket, so the v1 API (/write, /query with InfluxQL) that the
# platform and Grafana use finds it. InfluxDB 2.7 also offers a read-only "virtual" mapping for a bucket named like
# the database; the explicit mapping is the default retention policy and works on every 2.x release.
set -euo pipefail

influx v1 dbrp create \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" \
  --db "${DOCKER_INFLUXDB_INIT_BUCKET}" \
  --rp autogen \
  --default

influx v1 dbrp list --db "${DOCKER_INFLUXDB_INIT_BUCKET}"
