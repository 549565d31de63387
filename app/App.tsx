/** The page shell; panels arrive with the IDE. */
export function App() {
  return (
    <main aria-label="bpflab">
      <h1>bpflab</h1>
      <p>An eBPF IDE and visual debugger, faithful to Linux 4.8.</p>
    </main>
  );
}
