/** @type {import('next').NextConfig} */
const nextConfig = {
  // No `next/font` or remote images: nothing in the build or at run time reaches the internet.
  poweredByHeader: false,
  // `npm run typecheck` (turbo's typecheck task) checks the types; the build does not do it twice.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
