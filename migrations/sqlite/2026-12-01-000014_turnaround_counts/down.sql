DROP TABLE turnaround_counts;
