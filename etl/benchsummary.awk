# Summarises `go test -bench SensorLoad -count N` output: per benchmark, the min / median /
# max of each reported metric over the runs (make bench pipes through this).
{ print; fflush() }
/^BenchmarkSensorLoad\// {
	name = $1; sub(/-[0-9]+$/, "", name)
	if (!(name in runs)) order[++nb] = name
	runs[name]++
	for (i = 3; i < NF; i++) if ($(i + 1) ~ /^(rows\/s|client_rows\/s|ratio|peak_rss_MiB|cpu_s|client_cpu_s|server_cpu_s|client_server_cpu_s|server_parts|server_parts_sorted)$/) vals[name, $(i + 1), runs[name]] = $i
}
END {
	if (nb == 0) exit
	nm = split("ratio rows/s client_rows/s peak_rss_MiB cpu_s client_cpu_s server_cpu_s client_server_cpu_s server_parts server_parts_sorted", metrics, " ")
	printf "\n%-48s %-20s %4s %12s %12s %12s\n", "benchmark", "metric", "runs", "min", "median", "max"
	for (b = 1; b <= nb; b++) {
		name = order[b]; n = runs[name]
		for (m = 1; m <= nm; m++) {
			if (!((name, metrics[m], 1) in vals)) continue
			for (k = 1; k <= n; k++) v[k] = vals[name, metrics[m], k] + 0
			for (x = 2; x <= n; x++) for (y = x; y > 1 && v[y-1] > v[y]; y--) { t = v[y]; v[y] = v[y-1]; v[y-1] = t }
			med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			f = (metrics[m] == "ratio" || metrics[m] ~ /cpu_s$/) ? "%12.2f" : "%12.0f"
			printf "%-48s %-20s %4d " f " " f " " f "\n", name, metrics[m], n, v[1], med, v[n]
		}
	}
}
