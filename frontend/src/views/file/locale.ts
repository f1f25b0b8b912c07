// The file page's texts, merged into the dashboard's messages by the module list.
export default {
  'zh-CN': {
    file: {
      name: '文件名',
      mediaType: '类型',
      size: '大小',
      creator: '上传人',
      createdTime: '上传时间',
      upload: '上传文件',
      uploading: '正在上传 {name}',
      uploaded: '已上传 {name}',
      download: '下载',
      tooLarge: '文件不能超过 {mib} MiB',
      uploadTip: '文件类型由内容判断；可执行文件、网页和脚本不被接受'
    }
  },
  en: {
    file: {
      name: 'File name',
      mediaType: 'Type',
      size: 'Size',
      creator: 'Uploaded by',
      createdTime: 'Uploaded',
      upload: 'Upload a file',
      uploading: 'Uploading {name}',
      uploaded: 'Uploaded {name}',
      download: 'Download',
      tooLarge: 'A file is at most {mib} MiB',
      uploadTip: 'The type is judged from the content; executables, web pages and scripts are refused'
    }
  }
}
