// The sha256 of every Trivy and cosign release asset that vouch trusts, copied from
// __tests__/fixtures/tools/tool-checksums.md (independent package-manager records that agree; never the release's own
// checksum file). __tests__/tools/pins.test.ts re-parses that file so a typo here cannot hide.
import type { PlatformKey } from './assets.js'

export type PlatformHashes = Partial<Record<PlatformKey, string>>
/** Release tag -> platform -> sha256 of the release asset for that platform. */
export type VersionHashes = Readonly<Record<string, PlatformHashes>>

/** Trivy archives (`trivy_<v>_<Platform>.tar.gz` / `.zip`), newest first. */
export const TRIVY_SHA256: VersionHashes = {
  'v0.74.0': {
    'linux/amd64': '2ae6fe3ee734b7fdf11335663e18c75ea12dccc76062f09f164a3b0f8be4371a',
    'linux/arm64': 'b94ce1976bbf3c15b514b605ee88be7c6d94a29be2302847ff01cb794d47aad5',
    'darwin/amd64': '472816f6888dda689d075c30254d4210b4d1035acf365aa72332f584c2f60485',
    'darwin/arm64': '1caada5e0e2091909357c7525d3aa76f4b660b13821bc143b190c7483e31cc11',
    'windows/amd64': '94c40e0696e4b907a74b7b2e1438d5d72ebaca83115817407f568a002d520842',
  },
  'v0.73.0': {
    'linux/amd64': '2edd39da482bb4e9831962487b68f68e3928ec3137794757f54d00383d79547b',
    'linux/arm64': '13833d97e8a1a5367471c372a173180157f593bece570e20d5d925fef552f5dd',
    'darwin/amd64': 'd39d1374dd3e35d48621b82df9b6625fe69f9920cc67d2739ed81bb679f16f51',
    'darwin/arm64': '80cc25faaf6378e37701202d0b4f9f43d9e413d198d594ba60fdf559fe44a683',
    'windows/amd64': 'd2d3ad5292aae470a03eb6506db86fce81b1894592b8451cadaf60eaa22f2025',
  },
  'v0.72.0': {
    'linux/amd64': 'bbb64b9695866ce4a7a8f5c9592002c5961cab378577fa3f8a040df362b9b2ea',
    'linux/arm64': '2ca2c023109c2db6b2b77366b6717291452d4531167377d95c79547f0c8e3467',
    'darwin/amd64': 'ee5e60df8a98e5b89fd74a6d86f9e5c7e9a266a35002cb1e43291698b3bfee08',
    'darwin/arm64': '88f208680dc05da2b459e19b4f5aa2b4dc7c2117892ba4aab2ae63baba330016',
    'windows/amd64': 'ed3cf122060f61818fe1f735fd97557954e16e10bc8b058af9852271cf2e91b3',
  },
  'v0.71.2': {
    'linux/amd64': '0510e71e2fd39bf863856d499c8dc19feb4e7336546394c502a8f5cc7ab27460',
    'linux/arm64': 'fe1c7106e15a5365d485b098a8c338f91e3b7ba71cb0e4963b98a3a098763cfc',
    'darwin/amd64': 'c27bcf4ddd281aecb7267eb5df804ec49ac0f8fa23fe018d33932e17f30a38bf',
    'darwin/arm64': 'a9f585cad53542a54ef286b5fa4199d081e5a061f8894635bdf3ce2608ece7a9',
    'windows/amd64': 'ea31c2a927382410cfa2b4eb5970aed62308cf28902e1d167ea36bbfa0515095',
  },
  'v0.71.1': {
    'linux/amd64': '3cbae37cd440cd8676e5ce9207fe460b5641c7579a17e9d00f8894928c41a88d',
    'linux/arm64': 'a7daaee66817d67a4963e8f9ddf15f5238ee021b55d3cd8695b1b7801afd34a7',
    'darwin/amd64': 'de123352f519c6310d5471b5271b029c02b04f3cce33597b87f60064e1760a3f',
    'darwin/arm64': '5eb3576d4a41c9fa274dc8a62b2e6baebb2bf423eda908ed36d81d574e293c48',
    'windows/amd64': 'ba67daf06923f52938812d1af134b3193e22b3bc7a525743b9f2a3ded7ab5904',
  },
  'v0.71.0': {
    'linux/amd64': '30a3d22b23f88c233f1658f562fb477cae3b3e8b4761109d515b7698daf85814',
    'linux/arm64': '2561be394a3199c911f82fced606cbc05e1cb23eb6ce1da6935540adb76f4252',
    'darwin/amd64': '4558afb13d017615ca85011901caab78b4f09196e320b05a56c9fdc5615a1428',
    'darwin/arm64': '95d4e896b120816edd0995a2df8adca26a8621b7bf62036a89b1d54a7b718a74',
    'windows/amd64': '382250158fb9431ff9b87904205027b066a544234b8952b2dd764bd712d55387',
  },
  'v0.70.0': {
    'linux/amd64': '8b4376d5d6befe5c24d503f10ff136d9e0c49f9127a4279fd110b727929a5aa9',
    'linux/arm64': '2f6bb988b553a1bbac6bdd1ce890f5e412439564e17522b88a4541b4f364fc8d',
    'darwin/amd64': '52d531452b19e7593da29366007d02a810e1e0080d02f9cf6a1afb46c35aaa93',
    'darwin/arm64': '68e543c51dcc96e1c344053a4fde9660cf602c25565d9f09dc17dd41e13b838a',
    'windows/amd64': 'eea5442eab86f9e26cd718d7618d43899e72a83767619e8bee47911bddbfb825',
  },
  'v0.69.3': {
    'linux/amd64': '1816b632dfe529869c740c0913e36bd1629cb7688bd5634f4a858c1d57c88b75',
    'linux/arm64': '7e3924a974e912e57b4a99f65ece7931f8079584dae12eb7845024f97087bdfd',
    'darwin/amd64': 'fec4a9f7569b624dd9d044fca019e5da69e032700edbb1d7318972c448ec2f4e',
    'darwin/arm64': 'a2f2179afd4f8bb265ca3c7aefb56a666bc4a9a411663bc0f22c3549fbc643a5',
    'windows/amd64': '74362dc711383255308230ecbeb587eb1e4e83a8d332be5b0259afac6e0c2224',
  },
}

/** cosign binaries (`cosign-<os>-<arch>[.exe]`), newest first. */
export const COSIGN_SHA256: VersionHashes = {
  'v3.0.6': {
    'linux/amd64': 'c956e5dfcac53d52bcf058360d579472f0c1d2d9b69f55209e256fe7783f4c74',
    'linux/arm64': 'bedac92e8c3729864e13d4a17048007cfafa79d5deca993a43a90ffe018ef2b8',
    'linux/arm': '67bd25d32daff5664caf51208c95defcb2ad7ac1296f394fa677bb8bacee62f5',
    'darwin/amd64': '4c3e7af8372d3ca3296e62fa56f23fcbb5721cc6ac1827900d398f110d7cd280',
    'darwin/arm64': '5fadd012ae6381a6a29ff86a7d39aa873878852f1073fc90b15995961ecfb084',
    'windows/amd64': '9b85a88ebff2d9dd30ff4984a6f61f2cedc232dd87d81fa7f2ff3c0ed96c241c',
    'linux/ppc64le': '08c3e5e0a09c440f49e9a69d8639d37fbec522ec8c5c0ac805243b098e6ea512',
    'linux/riscv64': 'e25952e798958b0f9168d044153ccc353f5469ca4b71a1707dffad0534d27017',
    'linux/s390x': '3cf4b769258ed9cc3c2a93268c0d5c1cc3fbd094af8df21035cbac8fb0d7c088',
  },
  'v3.0.5': {
    'linux/amd64': 'db15cc99e6e4837daabab023742aaddc3841ce57f193d11b7c3e06c8003642b2',
    'linux/arm64': 'd098f3168ae4b3aa70b4ca78947329b953272b487727d1722cb3cb098a1a20ab',
    'linux/arm': '4866f388e87125f1f492231dbbb347bb73b601c810595b65b2ae09eae4c8a99d',
    'darwin/amd64': 'e032c44d3f7c247bbb2966b41239f88ffba002497a4516358d327ad5693c386f',
    'darwin/arm64': '4888c898e2901521a6bd4cf4f0383c9465588a6a46ecd2465ad34faf13f09eb7',
    'windows/amd64': '44e9e44202b67ddfaaf5ea1234f5a265417960c4ae98c5b57c35bc40ba9dd714',
  },
  'v3.0.2': {
    'linux/amd64': '46dbdcb5467a3dfec2526923d0b3365e40c8d9dc00ec23d5aca3437449e8cbfd',
    'linux/arm64': '17fd784737ca54d7d8a343c82da6c5d6dbdee971e66644d923d1b057fb97d7ed',
    'linux/arm': '067df248315ee0c4af1cedb1cce65ad826f784be11ef88afd8d36e87c07162b6',
    'darwin/amd64': '0fc2b6f16b900abdfda3153b11fc435a8cbe3830e8e820fe8ad5fe4149a5b472',
    'darwin/arm64': '3823b044de184da21e300bc5e20dd29d3fa9243af3ba70c4a5da1712f3385d46',
    'windows/amd64': '7a137280d8686665ceb4d8565df2a0ac63f28031e014cdcae5d56891a6c8a400',
  },
  'v2.6.1': {
    'linux/amd64': '064954c5d8c7e3b28188eee5b1727b31c411550bc5fefd41aa672d3c761d103a',
    'linux/arm64': '56a16480bdd56ec789abaa65924402f6b92c0041f06885995853c05567b76f34',
    'linux/arm': '8da897764b68ef2c6291a27244e7a274a09b98f80c9d1b6c5e81ef2e2e4eb9ec',
    'darwin/amd64': 'f1ed2787cc9648fd3c644fcb279e43f3f55da63b788d69a527aa14ad97ffdca1',
    'darwin/arm64': '54047052cf46f40a5c3c95a510db276e164ba77e096aea1ca1b733f770359689',
    'windows/amd64': '049026dae3246d6ea8201512ec3efce3aab0c7f1d338d52e26c525dd02b418a0',
  },
  'v2.6.0': {
    'linux/amd64': 'ea5c65f99425d6cfbb5c4b5de5dac035f14d09131c1a0ea7c7fc32eab39364f9',
    'linux/arm64': 'e09684650882fd721ed22b716ffc399ee11426cd4d1c9b4fec539cba8bf46b86',
    'linux/arm': '641e05c21ce423cd263a49b1f9ffca58e2df022cb12020dcea63f8317c456950',
    'darwin/amd64': '83b0fb42bc265e62aef7de49f4979b7957c9b7320d362a9f20046b2f823330f3',
    'darwin/arm64': 'dea5b83b8b375b99ac803c7bdb1f798963dbeb47789ceb72153202e7f20e8d07',
    'windows/amd64': '7beb4dd1e19a72c328bbf7c0d7342d744edbf5cbb082f227b2b76e04a21c16ef',
  },
  'v2.5.3': {
    'linux/amd64': '783b5d6c74105401c63946c68d9b2a4e1aab3c8abce043e06b8510b02b623ec9',
    'linux/arm64': 'bffabe4cf183122b7de3111257a863c99e7dc6cf1093bfd7bf961de1795589b8',
    'linux/arm': 'b0c64e0e736c2b50cf4a36e113ca98a638bc7e957678c39bab40b6feae9a543b',
    'darwin/amd64': '172731b1c2575dd76069a87d4d17312fd027fe0947e45e4a9ba9b915877e0ed0',
    'darwin/arm64': '86e0cad94d0da4c0dab5e26672ede71447a08a0f0d8495b9381c117df27d7d09',
    'windows/amd64': '545d87e096cab55e213f25b6ec5c9a74c958f72d05182cee1cd53a4eb6c2e561',
  },
  'v2.5.2': {
    'linux/amd64': 'bcfeae05557a9f313ee4392d2f335d0ff69ebbfd232019e3736fb04999fe1734',
    'linux/arm64': '2cbcea1873ad76274c3f241ef175d204654e3aac3e73e6ec4504e5227015cb0a',
    'linux/arm': 'ecb5b9d8b6d7c8cec98363f0827456fa3207279e5f4690db6b4e6c77b10e45f9',
    'darwin/amd64': '0681abe20a482f4b9b3ed65b3debb8c6346591f2dc484b6bfa79609ff1318de4',
    'darwin/arm64': '51fdc6d8da8310d72df10065a52247b6bebfe990d4c946dd9f71e17588256011',
    'windows/amd64': 'fef1c4731da9112d4cf2f6d93ae2a1551c73116a4f73fab7b0c15b38e95ff688',
  },
  'v2.5.0': {
    'linux/amd64': '1f6c194dd0891eb345b436bb71ff9f996768355f5e0ce02dde88567029ac2188',
    'linux/arm64': '080a998f9878f22dafdb9ad54d5b2e2b8e7a38c53527250f9d89a6763a28d545',
    'linux/arm': '9bc75f963a00957ec5ac5834ed26953fef5f05859f22e08b1655dadae24dc931',
    'darwin/amd64': 'd61cc50f6f32c2b63cb81cd8a935e5dd1be8520d639242031a1102092bee44d4',
    'darwin/arm64': '780da3654d9601367b0d54686ac65cb9716578610cabe292d725c7008de4db85',
    'windows/amd64': '2345667cbcf60767c1a6f678755cbb7465367761084e9d2cbb59ae0cc1a94437',
  },
  'v2.4.3': {
    'linux/amd64': 'caaad125acef1cb81d58dcdc454a1e429d09a750d1e9e2b3ed1aed8964454708',
    'linux/arm64': 'bd0f9763bca54de88699c3656ade2f39c9a1c7a2916ff35601caf23a79be0629',
    'linux/arm': '729d18ef31679dd2d6be1aaffcb122f31edb4ed04dedceb409e8104adf49507a',
    'darwin/amd64': '98a3bfd691f42c6a5b721880116f89210d8fdff61cc0224cd3ef2f8e55a466fb',
    'darwin/arm64': 'edfc761b27ced77f0f9ca288ff4fac7caa898e1e9db38f4dfdf72160cdf8e638',
    'windows/amd64': 'a2ac24e197111c9430cb2a98f10a641164381afb83df036504868e4ea5720800',
  },
  'v2.4.2': {
    'linux/amd64': 'e7f5bd99a790703333e8f8e8e6c91d5e646f3d7041e4cf935b56587de20cec3f',
    'linux/arm64': '9ab2a932190161d67b9fcda81777e28086b2152c7d506a0e2f83dbb3fd7e2b1c',
    'linux/arm': 'c626df51f614085322ce66bc1c06f159d6b17669113013f0014bda8c34c741f5',
    'darwin/amd64': '2697aba2d9ea5159b8f209025cfc392a8a25ce177c8d3b0e07afd4e1db3b163c',
    'darwin/arm64': 'f9a574c1ab208918a0d96ffca7a105dfb32792f6c33e0da2dbefb76e25600ab8',
    'windows/amd64': '996e6b5e0ca712c3a2c0e182aee957b85df1eba69babaae8a6349c0bce0088db',
  },
  'v2.4.1': {
    'linux/amd64': '8b24b946dd5809c6bd93de08033bcf6bc0ed7d336b7785787c080f574b89249b',
    'linux/arm64': '3b2e2e3854d0356c45fe6607047526ccd04742d20bd44afb5be91fa2a6e7cb4a',
    'linux/arm': '541fd175fae792a154fa2fa025146e3d4691e2dd97717fa9ace35677a88489e7',
    'darwin/amd64': '666032ca283da92b6f7953965688fd51200fdc891a86c19e05c98b898ea0af4e',
    'darwin/arm64': '13343856b69f70388c4fe0b986a31dde5958e444b41be22d785d3dc5e1a9cc62',
    'windows/amd64': '8d57f8a42a981d27290c4227271fa9f0f62ca6630eb4a21d316bd6b01405b87c',
  },
}
