"""The local stack: moto server, the infra/ template deployed into it, the queue
worker and `chalice local` (started together by `make run`)."""
