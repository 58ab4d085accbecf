// npm run gen:protocol            regenerate worker/protocol/generated/ from the Kafka JSON definitions
// npm run gen:protocol -- --check  regenerate in memory; exit 1 listing files that differ from the tree
// The definitions are read from $EDDY_PROTOCOL_DIR or <repo>/../shared/kafka-protocol.
import { GENERATED_DIR } from './emit.js';
import { diffGenerated, protocolDirExists, renderAll, resolveProtocolDir, writeGenerated } from './project.js';

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`unknown arguments: ${unknown.join(' ')}\nusage: generate.ts [--check]`);
    return 2;
  }
  const dir = resolveProtocolDir();
  if (!protocolDirExists(dir)) {
    console.error(`protocol definitions not found at ${dir} (set EDDY_PROTOCOL_DIR)`);
    return 2;
  }
  const files = renderAll(dir);
  if (check) {
    const diffs = diffGenerated(files);
    if (diffs.length === 0) {
      console.log(`${GENERATED_DIR}: ${files.size} files up to date`);
      return 0;
    }
    console.error(`${GENERATED_DIR} is out of date (run npm run gen:protocol):`);
    for (const d of diffs) console.error(`  ${d.kind.padEnd(7)} ${GENERATED_DIR}/${d.path}`);
    return 1;
  }
  const touched = writeGenerated(files);
  for (const d of touched) console.log(`${d.kind === 'stale' ? 'removed' : 'wrote  '} ${GENERATED_DIR}/${d.path}`);
  console.log(`${GENERATED_DIR}: ${files.size} files, ${touched.length} changed`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).stack ?? String(e));
  process.exitCode = 1;
}
