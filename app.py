import gc

from training import create_app

app = create_app()

# Everything built at start (modules, content, templates, dictionaries: some 330 000 objects) lives as long
# as the process, yet each full collection walked it all again, the worker stopped meanwhile: 130-250 ms
# pauses under the classroom bench at N = 1000. Frozen, a full collection walks only what came after.
gc.collect()
gc.freeze()
