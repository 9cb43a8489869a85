// Runs a Postman collection in Newman (the npm package from the lock file) and exits with its
// outcome. Newman's own command line waits for every open connection to close, and a server
// that keeps connections alive holds it open after the run has ended.
//   node scripts/newman-run.cjs COLLECTION ENVIRONMENT WORKING_DIR [NAME=VALUE]...
const newman = require("newman");

const [collection, environment, workingDir, ...vars] = process.argv.slice(2);
if (!collection || !environment || !workingDir) {
  console.error("usage: node scripts/newman-run.cjs COLLECTION ENVIRONMENT WORKING_DIR [NAME=VALUE]...");
  process.exit(2);
}
const envVar = vars.map((v) => {
  const at = v.indexOf("=");
  return { key: v.slice(0, at), value: v.slice(at + 1) };
});
newman.run(
  { collection, environment, workingDir, envVar, reporters: ["cli"], bail: ["failure"] },
  (err, summary) => {
    if (err) {
      console.error(`newman could not run the collection: ${err.message}`);
      process.exit(1);
    }
    const failed = summary.run.failures.length > 0 || Boolean(summary.run.error);
    process.exit(failed ? 1 : 0);
  },
);
