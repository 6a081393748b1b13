"""Running the pipeline: the Prefect flow, batches, worker processes, incremental runs, configuration."""
